using System.Globalization;

namespace SessionGrains;

/// <summary>
/// How late an attempt of one write can reach its session grain, and so how long the grain must remember the write's
/// operation ID for a late attempt to apply nothing: the caller's retries span at most <see cref="MaxRetryDeadline"/>,
/// and Orleans drops a write's call message that arrives more than <see cref="MessageLifetime"/> after it was sent.
/// </summary>
public static class SessionOperationWindow
{
    /// <summary><see cref="MessageLifetime"/> as the response timeout of <see cref="ISessionGrain"/>'s writes.</summary>
    public const string MessageLifetimeText = "00:00:10";

    /// <summary>How long a write's call message may travel: Orleans drops it on arrival after that.</summary>
    public static TimeSpan MessageLifetime { get; } = TimeSpan.Parse(MessageLifetimeText, CultureInfo.InvariantCulture);

    /// <summary>The longest a caller may go on retrying one write (a front end's <c>Session:Calls:RetryDeadline</c>).</summary>
    public static TimeSpan MaxRetryDeadline { get; } = TimeSpan.FromSeconds(15);

    /// <summary>The least time a session must remember an operation ID: every attempt of its write has arrived by then.</summary>
    public static TimeSpan MinRetention => MaxRetryDeadline + MessageLifetime;

    /// <summary>
    /// The Orleans <c>RequestContext</c> entry (<c>true</c>) a caller sets on every attempt of a write after its first, and
    /// on every attempt of a write it sends again itself: an earlier attempt may still be on its way. The grain then
    /// remembers the operation ID for the whole window, however many other writes reach the session meanwhile.
    /// </summary>
    public const string RetriedContextKey = "sessiongrains.retried";
}
