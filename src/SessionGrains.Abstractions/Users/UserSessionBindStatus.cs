namespace SessionGrains;

/// <summary>The outcome of binding a session to a user.</summary>
[GenerateSerializer]
[Alias("SessionGrains.UserSessionBindStatus")]
public enum UserSessionBindStatus
{
    /// <summary>The session is bound to the user (also when it already was).</summary>
    Bound = 0,

    /// <summary>There is no live session under the ID. Nothing was stored.</summary>
    NoSession = 1,

    /// <summary>The user has the most sessions allowed and the policy refuses new ones. Nothing was stored.</summary>
    LimitReached = 2,
}
