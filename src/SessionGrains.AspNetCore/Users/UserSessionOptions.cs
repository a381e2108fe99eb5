namespace SessionGrains.AspNetCore;

/// <summary>
/// Sessions bound to users (<see cref="GrainSession.BindUserAsync"/>; <see cref="SessionFrontEndOptions.Users"/>,
/// configuration section "Session:Users").
/// </summary>
public sealed class UserSessionOptions
{
    /// <summary>The most live sessions one user may have at once; 0 (the default) for no limit.</summary>
    public int MaxSessionsPerUser { get; set; }

    /// <summary>What binding one session too many does. Defaults to ending the user's least recently used session.</summary>
    public UserSessionLimitPolicy WhenLimitReached { get; set; } = UserSessionLimitPolicy.EndLeastRecentlyUsed;

    /// <summary>
    /// Whether binding records the device (User-Agent, client IP as the app sees it) for the user's session list.
    /// It is personal data, deleted with the session. Defaults to true.
    /// </summary>
    public bool RecordDevice { get; set; } = true;
}
