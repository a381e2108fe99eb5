using SessionGrains.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
        Assert.Empty(await fixture.IndexEntriesAsync(id));
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
        Assert.Empty(await fixture.IndexEntriesAsync(id));
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
    public async Task A_session_gets_one_index_entry_at_its_expiry_and_no_reminder()
    {
        var id = SessionCluster.NewSessionId();
        var created = fixture.Clock.GetUtcNow();
        await fixture.Session(id).CreateAsync(TwentyMinutes, Set(("user", "ada")));

        Assert.Equal([created + TimeSpan.FromMinutes(20)], await fixture.IndexEntriesAsync(id));
        Assert.Equal(0, await fixture.CountRemindersAsync(id));
    }

    [Fact]
    public async Task Sweep_layer_deletes_an_expired_session_whose_grain_is_not_active()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        await fixture.Cluster.DeactivateAsync(session);

        fixture.Clock.Advance(TimeSpan.FromMinutes(21));

        await fixture.WaitUntilExpiredAsync(id, "a sweeper has the grain delete the record");
        Assert.Equal([nameof(SessionExpiryLayer.Sweep)], fixture.ExpiryLayersLogged(id));
        Assert.Empty(await fixture.IndexEntriesAsync(id));
        await SessionCluster.WaitUntilAsync(() => Task.FromResult(!fixture.IsActive(id)), "the swept grain deactivates");
    }

    [Fact]
    public async Task A_due_entry_of_a_session_touched_meanwhile_moves_to_its_new_expiry_and_the_grain_goes()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        await session.TouchAsync(); // in memory: the entry stays at minute 20 (a touch writes no index entry)
        await fixture.Cluster.DeactivateAsync(session); // deactivation writes the last access
        var writesBefore = fixture.StorageCounts.Writes(id);

        fixture.Clock.Advance(TimeSpan.FromMinutes(6)); // minute 21: the entry is due, the session lives until minute 35
        var movedTo = fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(14);
        await SessionCluster.WaitUntilAsync(async () => (await fixture.IndexEntriesAsync(id)).SequenceEqual([movedTo]), "the check moves the entry");
        await SessionCluster.WaitUntilAsync(() => Task.FromResult(!fixture.IsActive(id)), "the checked grain deactivates");

        Assert.NotNull(await fixture.ReadStoredRecordAsync(id));
        Assert.Equal(writesBefore, fixture.StorageCounts.Writes(id));
        Assert.Empty(fixture.ExpiryLayersLogged(id));
    }

    [Fact]
    public async Task An_entry_whose_record_was_never_written_is_removed_by_its_check()
    {
        // A crash between the index write and the record write leaves exactly this: an entry, no record.
        var id = SessionCluster.NewSessionId();
        var services = fixture.Cluster.Silos[0].SiloHost.Services;
        var shards = services.GetRequiredService<IOptions<SessionSiloOptions>>().Value.ExpiryIndexShards;
        await services.GetRequiredService<ISessionExpiryIndex>().SetAsync(
            new(SessionExpiryEntryKind.Session, SessionExpiryEntry.ShardOf(id, shards), id, fixture.Clock.GetUtcNow()), null);

        await SessionCluster.WaitUntilAsync(async () => (await fixture.IndexEntriesAsync(id)).Count == 0, "the check removes the entry");
        Assert.Null(await fixture.ReadStoredRecordAsync(id));
        Assert.Empty(fixture.ExpiryLayersLogged(id));
    }

    [Fact]
    public async Task An_entry_found_in_another_shard_after_the_shard_count_was_raised_moves_to_its_keys_shard()
    {
        var id = SessionCluster.NewSessionId();
        var created = fixture.Clock.GetUtcNow();
        await fixture.Session(id).CreateAsync(TwentyMinutes, Set(("user", "ada")));
        var services = fixture.Cluster.Silos[0].SiloHost.Services;
        var index = services.GetRequiredService<ISessionExpiryIndex>();
        var shards = services.GetRequiredService<IOptions<SessionSiloOptions>>().Value.ExpiryIndexShards;
        var (shard, oldShard) = (SessionExpiryEntry.ShardOf(id, shards), (SessionExpiryEntry.ShardOf(id, shards) + 1) % shards);
        // As a smaller shard count left it: the entry in another shard, due now.
        await index.RemoveAsync(new(SessionExpiryEntryKind.Session, shard, id, null));
        await index.SetAsync(new(SessionExpiryEntryKind.Session, oldShard, id, created), null);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await fixture.Session(id).TouchAsync(); // lives until minute 21

        await SessionCluster.WaitUntilAsync(async () => (await fixture.IndexEntriesAsync(id)).SequenceEqual([created + TimeSpan.FromMinutes(21)]),
            "the check moves the entry to the key's shard");
        var left = await index.ReadDueAsync(SessionExpiryEntryKind.Session, oldShard, DateTimeOffset.MaxValue, int.MaxValue);
        Assert.DoesNotContain(left, e => e.Key == id);
    }

    [Fact]
    public async Task A_1_0_reminder_moves_a_live_session_into_the_index_then_goes_and_the_sweep_ends_it()
    {
        var id = SessionCluster.NewSessionId();
        var now = fixture.Clock.GetUtcNow();
        await fixture.WriteStoredRecordAsync(id, SessionTestSilo.OneKeyRecord(now));
        await fixture.WriteVersion1ReminderAsync(SessionCluster.GrainIdOf(id), SessionGrainNames.SessionReminder);

        await SessionCluster.WaitUntilAsync(async () => (await fixture.IndexEntriesAsync(id)).SequenceEqual([now + TimeSpan.FromMinutes(20)]),
            "the reminder's tick moves the session into the index");
        await SessionCluster.WaitUntilAsync(async () => await fixture.CountRemindersAsync(id) == 0, "the tick removes the reminder");
        Assert.NotNull(await fixture.ReadStoredRecordAsync(id));

        fixture.Clock.Advance(TimeSpan.FromMinutes(21));
        await fixture.WaitUntilExpiredAsync(id, "the sweep deletes the moved session");
        Assert.Equal([nameof(SessionExpiryLayer.Sweep)], fixture.ExpiryLayersLogged(id));
        Assert.Empty(await fixture.IndexEntriesAsync(id));
    }

    [Fact]
    public async Task A_1_0_reminder_of_an_expired_session_deletes_it_and_goes()
    {
        var id = SessionCluster.NewSessionId();
        await fixture.WriteStoredRecordAsync(id, SessionTestSilo.OneKeyRecord(fixture.Clock.GetUtcNow() - TimeSpan.FromMinutes(30)));
        await fixture.WriteVersion1ReminderAsync(SessionCluster.GrainIdOf(id), SessionGrainNames.SessionReminder);

        await fixture.WaitUntilExpiredAsync(id, "the reminder's tick deletes the session");
        Assert.Equal([nameof(SessionExpiryLayer.Reminder)], fixture.ExpiryLayersLogged(id));
        await SessionCluster.WaitUntilAsync(async () => await fixture.CountRemindersAsync(id) == 0, "the tick removes the reminder");
        Assert.Empty(await fixture.IndexEntriesAsync(id));
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
