using Microsoft.Extensions.DependencyInjection;
using System.Text;
using Orleans.TestingHost;
using SessionGrains.Tests.Shared;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// What every durable store guarantees, run on each real one (a subclass per store): sessions round trip, ended sessions
/// leave nothing (record and expiry index entry), expiry outlives the whole cluster and a killed sweeper, sessions of
/// SessionGrains 1.0 move into the index, a killed silo loses no acknowledged write, and a busy session's record stays
/// bounded.
/// </summary>
public abstract class DurableStorageContract(IDurableSessionStore store, ITestOutputHelper output)
{
    private static readonly SessionTimeouts TwentyMinutes = new(TimeSpan.FromMinutes(20));

    private static string NewId() => SessionTestSilo.NewSessionId();

    private static string NewServiceId(string purpose) => $"it-{purpose}-" + Guid.NewGuid().ToString("N")[..8];

    private static SessionChangeSet Set(string key, string value) => new() { Sets = new() { [key] = Encoding.UTF8.GetBytes(value) } };

    [Fact]
    public async Task The_operation_log_keeps_a_busy_session_record_bounded()
    {
        await using var cluster = await DurableSessionCluster.StartAsync(store, new SessionTestSilo(), NewServiceId("log"));
        var id = NewId();
        var session = cluster.Session(id);
        var retained = new Server.SessionSiloOptions().MaxRetainedOperations;
        await session.CreateAsync(TwentyMinutes, Set("user", "ada"), Guid.NewGuid());
        var created = await store.StoredBytesAsync(cluster.Settings, id);
        for (var i = 1; i < retained; i++)
        {
            await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());
        }

        var full = await store.StoredBytesAsync(cluster.Settings, id);
        for (var i = 0; i < 2 * retained; i++)
        {
            await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());
        }

        var later = await store.StoredBytesAsync(cluster.Settings, id);
        output.WriteLine($"{GetType().Name}: {created} B with 1 operation, {full} B with {retained}, {later} B after {2 * retained} more; " +
            $"{(full - created) / (retained - 1.0):F0} B per retained operation");
        Assert.InRange(full - created, (retained - 1) * 16, (retained - 1) * 40); // packed: a 16-byte ID and a few bytes more each
        Assert.InRange(later, full, full + 2 * retained + 8); // only the digits of versions, values and the counter grow
    }

    [Fact]
    public async Task A_session_round_trips_through_storage_and_destroy_deletes_it()
    {
        var testSilo = new SessionTestSilo();
        await using var cluster = await DurableSessionCluster.StartAsync(store, testSilo, NewServiceId("trip"));
        var id = NewId();
        var session = cluster.Session(id);
        await session.CreateAsync(TwentyMinutes, Set("user", "ada"));
        await session.ApplyAsync(Set("cart", new string('x', 100_000))); // large values survive the provider's encoding
        Assert.Equal(1, await cluster.CountRecordsAsync(id));
        Assert.Single(await cluster.IndexEntriesAsync(id));
        Assert.Equal(0, await cluster.CountRemindersAsync(id)); // no reminder per session

        await cluster.Cluster.DeactivateAsync(session);
        var reloaded = await session.LoadAsync();

        Assert.NotNull(reloaded);
        Assert.Equal("ada", Encoding.UTF8.GetString(reloaded.Data["user"]));
        Assert.Equal(100_000, reloaded.Data["cart"].Length);
        Assert.Equal(2, reloaded.Version);

        await session.DestroyAsync();
        Assert.Equal(0, await cluster.CountRecordsAsync(id));
        // The entry goes with the record, or (an index keyed by due time, when the activation does not know it) at its due time.
        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));
        await SessionTestSilo.WaitUntilAsync(async () => (await cluster.IndexEntriesAsync(id)).Count == 0, "the destroyed session's entry is gone");
        Assert.Equal(0, await cluster.CountRecordsAsync(id));
    }

    [Fact]
    public async Task A_sessions_index_entry_is_kept_by_the_store_itself_and_goes_with_the_session()
    {
        await using var cluster = await DurableSessionCluster.StartAsync(store, new SessionTestSilo(), NewServiceId("entry"), silos: 1);
        var id = NewId();

        await cluster.Session(id).CreateAsync(TwentyMinutes, null);
        Assert.Equal(1, await store.CountIndexEntriesAsync(cluster.Settings, id)); // read from the store, not through the index
        await cluster.Session(id).DestroyAsync();

        Assert.Equal(0, await store.CountIndexEntriesAsync(cluster.Settings, id));
        Assert.Equal(0, await cluster.CountRecordsAsync(id));
    }

    [Fact]
    public async Task The_sweep_deletes_what_expired_and_nothing_else()
    {
        var testSilo = new SessionTestSilo();
        await using var cluster = await DurableSessionCluster.StartAsync(store, testSilo, NewServiceId("sweep"));
        var (lazy, idle, touched, regenerated, orphan) = (NewId(), NewId(), NewId(), NewId(), NewId());
        var movedTo = NewId();
        foreach (var id in new[] { lazy, idle, touched, regenerated })
        {
            await cluster.Session(id).CreateAsync(TwentyMinutes, Set("a", "1"));
        }

        var created = testSilo.Clock.GetUtcNow();
        Assert.True((await cluster.Session(regenerated).RegenerateAsync(movedTo, TwentyMinutes, null)).Succeeded);
        Assert.Empty(await cluster.IndexEntriesAsync(regenerated)); // swept under its new ID only
        await cluster.AddIndexEntryAsync(orphan, created); // a crash between the index write and the record write
        testSilo.Clock.Advance(TimeSpan.FromMinutes(19.5));
        Assert.NotNull(await cluster.Session(touched).LoadAsync()); // just before its entry comes due: now lives to minute 39.5
        foreach (var id in new[] { idle, touched, movedTo })
        {
            await cluster.Cluster.DeactivateAsync(cluster.Session(id)); // deactivation stores the last access
        }

        testSilo.Clock.Advance(TimeSpan.FromMinutes(1.5)); // minute 21: every first entry is due

        Assert.Null(await cluster.Session(lazy).LoadAsync());
        foreach (var id in new[] { lazy, idle, movedTo })
        {
            await SessionTestSilo.WaitUntilAsync(async () => await cluster.CountRecordsAsync(id) == 0 && (await cluster.IndexEntriesAsync(id)).Count == 0,
                "the expired session and its entry are deleted");
        }

        await SessionTestSilo.WaitUntilAsync(async () => (await cluster.IndexEntriesAsync(orphan)).Count == 0, "the check removes the orphaned entry");
        await SessionTestSilo.WaitUntilAsync(async () => (await cluster.IndexEntriesAsync(touched)).SequenceEqual([created + TimeSpan.FromMinutes(39.5)]),
            "the check moves the touched session's entry to its expiry");
        Assert.Equal(1, await cluster.CountRecordsAsync(touched));
        Assert.Equal(0, await cluster.CountRecordsAsync(orphan));
        Assert.Equal(0, await cluster.CountRecordsAsync(regenerated));
        Assert.Equal(0, await cluster.CountRemindersAsync(idle));
    }

    [Fact]
    public async Task Sessions_that_expire_while_no_silo_runs_are_deleted_by_the_next_cluster_without_a_call()
    {
        var serviceId = NewServiceId("restart");
        var testSilo = new SessionTestSilo();
        var ids = new[] { NewId(), NewId(), NewId() };
        await using (var first = await DurableSessionCluster.StartAsync(store, testSilo, serviceId))
        {
            foreach (var id in ids)
            {
                await first.Session(id).CreateAsync(TwentyMinutes, null);
            }

            await first.Cluster.StopAllSilosAsync();
        }

        // The sessions expire while no silo runs; the new cluster's sweepers find their entries, never calling them.
        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));
        await using var second = await DurableSessionCluster.StartAsync(store, testSilo, serviceId);

        foreach (var id in ids)
        {
            await SessionTestSilo.WaitUntilAsync(async () => await second.CountRecordsAsync(id) == 0 && (await second.IndexEntriesAsync(id)).Count == 0,
                "the new cluster's sweepers delete the idle session and its entry", TimeSpan.FromSeconds(30));
        }

        Assert.Equal(ids.Length, testSilo.Calls.Calls); // the creations; nothing called the sessions in the new cluster
    }

    [Fact]
    public async Task A_sweeper_killed_mid_page_loses_nothing()
    {
        var testSilo = new SessionTestSilo();
        var checks = new SlowExpiryChecks(TimeSpan.FromMilliseconds(50));
        await using var cluster = await DurableSessionCluster.StartAsync(store, testSilo, NewServiceId("killsweep"), silos: 3, silo =>
        {
            silo.Services.Configure<Server.SessionSiloOptions>(o => (o.ExpiryIndexShards, o.ExpirySweepPageSize, o.ExpirySweepConcurrency) = (3, 4, 1));
            silo.AddIncomingGrainCallFilter(checks);
        });
        var ids = Enumerable.Range(0, 60).Select(_ => NewId()).ToArray();
        await Task.WhenAll(ids.Select(id => cluster.Session(id).CreateAsync(TwentyMinutes, null)));
        await Task.WhenAll(ids.Select(id => cluster.Cluster.DeactivateAsync(cluster.Session(id))));

        // Sweepers are placed at random as they activate: move them until a secondary silo holds one (as each silo's catalog says).
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var sweeperType = GrainType.Create(Server.SessionGrainNames.ExpirySweeperGrainType);
        var sweepers = Enumerable.Range(0, 3).Select(shard => cluster.Grains.GetGrain<Server.IExpirySweeperGrain>(shard)).ToArray();
        var primary = cluster.Cluster.Silos[0].SiloAddress;
        InProcessSiloHandle? victim = null;
        for (var attempt = 0; attempt < 20 && victim is null; attempt++)
        {
            if (attempt > 0)
            {
                await Task.WhenAll(sweepers.Select(s => cluster.Cluster.DeactivateAsync(s)));
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                await Task.WhenAll(sweepers.Select(s => s.StartAsync())); // each active again, wherever placement put it
            }

            var hosts = await SweeperHostsAsync();
            victim = cluster.Cluster.Silos.FirstOrDefault(silo => silo.SiloAddress != primary && hosts.Contains(silo.SiloAddress));
        }

        async Task<SiloAddress[]> SweeperHostsAsync() => (await management.GetDetailedGrainStatistics())
            .Where(g => g.GrainId.Type == sweeperType).Select(g => g.SiloAddress).ToArray();

        Assert.NotNull(victim);
        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));
        await SessionTestSilo.WaitUntilAsync(() => Task.FromResult(checks.Count >= 6), "the sweep is under way");
        await cluster.Cluster.KillSiloAsync(victim);
        output.WriteLine($"{GetType().Name}: killed a sweeper's silo after {checks.Count} of {ids.Length} checks");

        foreach (var id in ids)
        {
            await SessionTestSilo.WaitUntilAsync(async () => await cluster.CountRecordsAsync(id) == 0 && (await cluster.IndexEntriesAsync(id)).Count == 0,
                "every expired session and its entry are deleted", TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task Sessions_stored_by_1_0_with_a_reminder_each_move_into_the_index_and_expire()
    {
        var serviceId = NewServiceId("upgrade");
        var testSilo = new SessionTestSilo();
        var (live, expired) = (NewId(), NewId());
        var now = testSilo.Clock.GetUtcNow();
        await using (var old = await DurableSessionCluster.StartAsync(store, testSilo, serviceId))
        {
            // What 1.0 left in the store: each record with a reminder row and no index entry.
            await old.WriteStoredRecordAsync(live, SessionTestSilo.OneKeyRecord(now));
            await old.WriteStoredRecordAsync(expired, SessionTestSilo.OneKeyRecord(now - TimeSpan.FromMinutes(30)));
            await old.WriteVersion1ReminderAsync(live);
            await old.WriteVersion1ReminderAsync(expired);
            await old.Cluster.StopAllSilosAsync();
        }

        await using var upgraded = await DurableSessionCluster.StartAsync(store, testSilo, serviceId);

        await SessionTestSilo.WaitUntilAsync(async () => await upgraded.CountRecordsAsync(expired) == 0 && await upgraded.CountRemindersAsync(expired) == 0,
            "the expired session's tick deletes it and its reminder", TimeSpan.FromSeconds(30));
        await SessionTestSilo.WaitUntilAsync(async () => (await upgraded.IndexEntriesAsync(live)).SequenceEqual([now + TimeSpan.FromMinutes(20)])
            && await upgraded.CountRemindersAsync(live) == 0, "the live session's tick moves it into the index and removes its reminder", TimeSpan.FromSeconds(30));
        Assert.Equal(1, await upgraded.CountRecordsAsync(live));
        Assert.Empty(await upgraded.IndexEntriesAsync(expired));

        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));
        await SessionTestSilo.WaitUntilAsync(async () => await upgraded.CountRecordsAsync(live) == 0 && (await upgraded.IndexEntriesAsync(live)).Count == 0,
            "the sweep deletes the moved session");
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_sessions_loses_no_acknowledged_write()
    {
        await using var cluster = await DurableSessionCluster.StartAsync(store, new SessionTestSilo(), NewServiceId("kill"), silos: 3);
        var ids = Enumerable.Range(0, 30).Select(_ => NewId()).ToArray();
        await Task.WhenAll(ids.Select(id => cluster.Session(id).CreateAsync(TwentyMinutes, null)));
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(ids.Select(id => cluster.Session(id).IncrementAsync("n", 1)));
        }

        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var (victim, moved) = await MostUsedSecondarySiloAsync(cluster, ids);
        Assert.NotEmpty(moved);

        await cluster.Cluster.KillSiloAsync(victim);

        foreach (var id in moved)
        {
            var after = await cluster.Session(id).IncrementAsync("n", 1);
            Assert.Equal(SessionWriteStatus.Succeeded, after.Status);
            Assert.Equal(6, after.Value); // 5 acknowledged before the kill, 1 after
            Assert.NotEqual(victim.SiloAddress, await management.GetActivationAddress(cluster.Session(id)));
        }
    }

    /// <summary>The non-primary silo that hosts most of <paramref name="ids"/>, and the sessions it hosts.</summary>
    internal static async Task<(InProcessSiloHandle Silo, string[] Hosted)> MostUsedSecondarySiloAsync(DurableSessionCluster cluster, string[] ids)
    {
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var hosts = await Task.WhenAll(ids.Select(async id => await management.GetActivationAddress(cluster.Session(id))));
        var victim = cluster.Cluster.Silos.Where(s => s.SiloAddress != cluster.Cluster.Silos[0].SiloAddress)
            .OrderByDescending(s => hosts.Count(h => h == s.SiloAddress)).First();
        return (victim, ids.Where((_, i) => hosts[i] == victim.SiloAddress).ToArray());
    }
}
