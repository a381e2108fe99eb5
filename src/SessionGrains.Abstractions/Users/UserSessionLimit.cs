namespace SessionGrains;

/// <summary>The most sessions one user may have at once, checked when a session is bound.</summary>
/// <param name="MaxSessions">The most live sessions per user; 0 for no limit.</param>
/// <param name="Policy">What binding one too many does.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.UserSessionLimit")]
public sealed record UserSessionLimit(
    [property: Id(0)] int MaxSessions = 0,
    [property: Id(1)] UserSessionLimitPolicy Policy = UserSessionLimitPolicy.EndLeastRecentlyUsed)
{
    /// <summary>No limit.</summary>
    public static UserSessionLimit None { get; } = new();
}
