namespace SessionGrains;

/// <summary>What binding one session too many to a user does (see <see cref="UserSessionLimit"/>).</summary>
[GenerateSerializer]
[Alias("SessionGrains.UserSessionLimitPolicy")]
public enum UserSessionLimitPolicy
{
    /// <summary>The user's least recently used session ends (<see cref="SessionEndReason.Evicted"/>); the new binding succeeds.</summary>
    EndLeastRecentlyUsed = 0,

    /// <summary>The new binding is refused (<see cref="UserSessionBindStatus.LimitReached"/>); the user's sessions stay.</summary>
    RefuseNewSession = 1,
}
