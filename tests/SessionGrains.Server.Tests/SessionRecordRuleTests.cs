namespace SessionGrains.Server.Tests;

/// <summary>The record's two rules that the grain, its writer and local reads all ask: is the session live, is a touch write due.</summary>
public sealed class SessionRecordRuleTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_session_is_live_until_its_idle_or_absolute_expiry_whichever_comes_first()
    {
        var record = new SessionRecord { IdleTimeout = TimeSpan.FromMinutes(20), AbsoluteExpiresAt = At + TimeSpan.FromMinutes(30) };

        Assert.True(record.IsLiveAt(At + TimeSpan.FromMinutes(19), lastAccessAt: At));
        Assert.False(record.IsLiveAt(At + TimeSpan.FromMinutes(20), lastAccessAt: At));
        Assert.True(record.IsLiveAt(At + TimeSpan.FromMinutes(29), lastAccessAt: At + TimeSpan.FromMinutes(15)));
        Assert.False(record.IsLiveAt(At + TimeSpan.FromMinutes(30), lastAccessAt: At + TimeSpan.FromMinutes(15)));
        Assert.False(new SessionRecord().IsLiveAt(At, lastAccessAt: At)); // an empty record is never live
    }

    [Fact]
    public void A_touch_write_is_due_after_the_interval_capped_at_a_quarter_of_the_idle_timeout()
    {
        var record = new SessionRecord { LastAccessAt = At, IdleTimeout = TimeSpan.FromMinutes(20) };

        Assert.False(record.IsTouchWriteDue(At + TimeSpan.FromSeconds(59), TimeSpan.FromMinutes(1)));
        Assert.True(record.IsTouchWriteDue(At + TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
        Assert.False(record.IsTouchWriteDue(At + TimeSpan.FromMinutes(4), TimeSpan.FromHours(1)));
        Assert.True(record.IsTouchWriteDue(At + TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)));
    }
}
