using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>Each expiry layer proven on its own, and the storage record gone afterwards in every case.</summary>
[Collection(SessionClusterCollection.Name)]
public sealed class SessionExpiryTests(SessionCluster fixture)
{
    [Fact]
    public async Task Lazy_layer_a_call_after_expiry_answers_no_session_and_deletes_on_the_spot()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        fixture.Clock.Advance(TimeSpan.FromMinutes(19));
        Assert.NotNull(await session.LoadAsync()); // slides the idle expiry to 20 minutes from now

        fixture.Clock.Advance(TimeSpan.FromMinutes(19));
        Assert.NotNull(await session.LoadAsync());
        fixture.Clock.Advance(TimeSpan.FromMinutes(20));

        Assert.Null(await session.LoadAsync());
        Assert.Null(await fixture.ReadStoredRecordAsync(id));
        Assert.Equal(0, await fixture.CountRemindersAsync(id));
        Assert.Equal([nameof(SessionExpiryLayer.OnAccess)], fixture.ExpiryLayersLogged(id));
    }

    [Fact]
    public async Task Lazy_layer_applies_to_writes_too()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        fixture.Clock.Advance(TimeSpan.FromMinutes(21));

        Assert.Equal(SessionWriteStatus.NoSession, (await session.ApplyAsync(Set(("late", "write")))).Status);
        Assert.Equal(SessionWriteStatus.NoSession, (await session.IncrementAsync("n", 1)).Status);
        Assert.Null(await fixture.ReadStoredRecordAsync(id));
        Assert.Equal(1, fixture.StorageCounts.Writes(id)); // the creation only
    }

    [Fact]
    public async Task Timer_layer_deletes_an_active_session_when_it_expires_without_any_call()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(new SessionTimeouts(TimeSpan.FromSeconds(1)), Set(("user", "ada")));
        fixture.Clock.Advance(TimeSpan.FromSeconds(2)); // session time passes at once; the timer fires after 1 s of real time

        await fixture.WaitUntilExpiredAsync(id, "the timer deletes the record");

        Assert.Equal([nameof(SessionExpiryLayer.Timer)], fixture.ExpiryLayersLogged(id));
        Assert.Equal(0, await fixture.CountRemindersAsync(id));
        await SessionCluster.WaitUntilAsync(() => Task.FromResult(!fixture.IsActive(id)), "the expired session deactivates");
    }

    [Fact]
    public async Task Timer_layer_rearms_when_the_session_was_touched_meanwhile()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(new SessionTimeouts(TimeSpan.FromSeconds(1)), Set(("user", "ada")));
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(900));
        await session.TouchAsync(); // expiry slides to 1.9 s of session time; the timer's first tick must not delete

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.NotNull(await fixture.ReadStoredRecordAsync(id));

        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await fixture.WaitUntilExpiredAsync(id, "the re-armed timer deletes the record");
        Assert.Equal([nameof(SessionExpiryLayer.Timer)], fixture.ExpiryLayersLogged(id));
    }

    [Fact]
    public async Task Reminder_layer_deletes_an_expired_session_whose_grain_is_not_active()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        Assert.Equal(1, await fixture.CountRemindersAsync(id));
        await fixture.Cluster.DeactivateAsync(session);

        fixture.Clock.Advance(TimeSpan.FromMinutes(21));

        await fixture.WaitUntilExpiredAsync(id, "the reminder deletes the record");
        Assert.Equal([nameof(SessionExpiryLayer.Reminder)], fixture.ExpiryLayersLogged(id));
        await SessionCluster.WaitUntilAsync(async () => await fixture.CountRemindersAsync(id) == 0, "the reminder unregisters itself");
    }

    [Fact]
    public async Task Reminder_ticks_on_a_live_inactive_session_keep_it_and_let_its_grain_go()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        await fixture.Cluster.DeactivateAsync(session);
        var writesBefore = fixture.StorageCounts.Writes(id);
        var readsBefore = fixture.StorageCounts.Reads(id);

        // A tick activates the grain (one storage read), finds the session live and deactivates it again.
        await SessionCluster.WaitUntilAsync(() => Task.FromResult(fixture.StorageCounts.Reads(id) > readsBefore), "a reminder tick activates the grain");
        await SessionCluster.WaitUntilAsync(() => Task.FromResult(!fixture.IsActive(id)), "the grain deactivates after the tick");

        Assert.NotNull(await fixture.ReadStoredRecordAsync(id));
        Assert.Equal(writesBefore, fixture.StorageCounts.Writes(id));
        Assert.Empty(fixture.ExpiryLayersLogged(id));
    }

    [Fact]
    public async Task Absolute_lifetime_ends_a_session_despite_continuous_touches()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(new SessionTimeouts(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)), Set(("user", "ada")));

        for (var minute = 5; minute < 30; minute += 5)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(5));
            var touched = await session.TouchAsync();
            Assert.Equal(SessionWriteStatus.Succeeded, touched.Status);
            Assert.True(touched.ExpiresAt <= fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(30 - minute));
        }

        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SessionWriteStatus.NoSession, (await session.TouchAsync()).Status);
        Assert.Null(await fixture.ReadStoredRecordAsync(id));
    }

    [Fact]
    public async Task Touches_write_storage_only_once_per_touch_write_interval()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        Assert.Equal(1, fixture.StorageCounts.Writes(id));

        for (var i = 0; i < 50; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            await (i % 2 == 0 ? (Task)session.LoadAsync() : session.TouchAsync());
        }

        Assert.Equal(1, fixture.StorageCounts.Writes(id)); // 50 accesses in 50 s: none written

        fixture.Clock.Advance(TimeSpan.FromSeconds(11)); // the stored last access is now 61 s old
        await session.LoadAsync();
        Assert.Equal(2, fixture.StorageCounts.Writes(id));
        Assert.Equal(fixture.Clock.GetUtcNow(), (await fixture.ReadStoredRecordAsync(id))!.LastAccessAt);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => session.LoadAsync()));
        Assert.Equal(2, fixture.StorageCounts.Writes(id));
    }
}
