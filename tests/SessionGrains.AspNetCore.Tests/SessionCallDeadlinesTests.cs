using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace SessionGrains.AspNetCore.Tests;

// An attempt's deadline is never shorter than Session:Calls:Timeout and at most one window longer, with no timer per call.
public sealed class SessionCallDeadlinesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public void Attempts_starting_within_one_window_share_a_token_cancelled_between_their_timeout_and_one_window_later()
    {
        var clock = new FakeTimeProvider();
        var deadlines = new SessionCallDeadlines(Timeout, clock);

        var first = deadlines.Next();
        clock.Advance(SessionCallDeadlines.Granularity - TimeSpan.FromMilliseconds(1));
        var last = deadlines.Next(); // the window's last attempt
        Assert.Equal(first, last);

        clock.Advance(Timeout); // the last attempt has had exactly its timeout
        Assert.False(last.IsCancellationRequested);
        clock.Advance(TimeSpan.FromMilliseconds(1)); // the first attempt has had its timeout + one window
        Assert.True(first.IsCancellationRequested);
    }

    [Fact]
    public void An_attempt_after_the_window_closes_gets_a_fresh_token_with_its_whole_timeout()
    {
        var clock = new FakeTimeProvider();
        var deadlines = new SessionCallDeadlines(Timeout, clock);
        var early = deadlines.Next();

        clock.Advance(SessionCallDeadlines.Granularity);
        var late = deadlines.Next();
        Assert.NotEqual(early, late);

        clock.Advance(Timeout);
        Assert.True(early.IsCancellationRequested);
        Assert.False(late.IsCancellationRequested);
        clock.Advance(SessionCallDeadlines.Granularity);
        Assert.True(late.IsCancellationRequested);
    }
}
