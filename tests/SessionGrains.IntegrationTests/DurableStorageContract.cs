using System.Text;
using Orleans.TestingHost;
using SessionGrains.TestSupport;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// What every durable store guarantees, run on each real one (a subclass per store): sessions round trip, ended sessions
/// leave nothing, reminders outlive the whole cluster, a killed silo loses no acknowledged write, and a busy session's
/// record stays bounded.
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
        await using var cluster = await DurableSessionCluster.StartAsync(store, new SessionTestSilo(), NewServiceId("trip"));
        var id = NewId();
        var session = cluster.Session(id);
        await session.CreateAsync(TwentyMinutes, Set("user", "ada"));
        await session.ApplyAsync(Set("cart", new string('x', 100_000))); // large values survive the provider's encoding
        Assert.Equal(1, await cluster.CountRecordsAsync(id));
        Assert.Equal(1, await cluster.CountRemindersAsync(id));

        await cluster.Cluster.DeactivateAsync(session);
        var reloaded = await session.LoadAsync();

        Assert.NotNull(reloaded);
        Assert.Equal("ada", Encoding.UTF8.GetString(reloaded.Data["user"]));
        Assert.Equal(100_000, reloaded.Data["cart"].Length);
        Assert.Equal(2, reloaded.Version);

        await session.DestroyAsync();
        Assert.Equal(0, await cluster.CountRecordsAsync(id));
        Assert.Equal(0, await cluster.CountRemindersAsync(id));
    }

    [Fact]
    public async Task Expiry_deletes_the_stored_session_and_its_reminder()
    {
        var testSilo = new SessionTestSilo();
        await using var cluster = await DurableSessionCluster.StartAsync(store, testSilo, NewServiceId("expiry"));
        var lazy = NewId();
        var byReminder = NewId();
        await cluster.Session(lazy).CreateAsync(TwentyMinutes, Set("a", "1"));
        await cluster.Session(byReminder).CreateAsync(TwentyMinutes, Set("b", "2"));
        Assert.Equal(1, await cluster.CountRemindersAsync(byReminder));
        await cluster.Cluster.DeactivateAsync(cluster.Session(byReminder));

        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));

        Assert.Null(await cluster.Session(lazy).LoadAsync());
        Assert.Equal(0, await cluster.CountRecordsAsync(lazy));
        await SessionTestSilo.WaitUntilAsync(async () => await cluster.CountRecordsAsync(byReminder) == 0, "the reminder deletes the idle session");
        await SessionTestSilo.WaitUntilAsync(async () => await cluster.CountRemindersAsync(byReminder) == 0, "the reminder unregisters itself");
    }

    [Fact]
    public async Task The_reminder_survives_a_whole_cluster_restart_and_still_deletes_the_idle_session()
    {
        var serviceId = NewServiceId("restart");
        var testSilo = new SessionTestSilo();
        var id = NewId();
        await using (var first = await DurableSessionCluster.StartAsync(store, testSilo, serviceId))
        {
            await first.Session(id).CreateAsync(TwentyMinutes, null);
            await first.Cluster.StopAllSilosAsync();
            Assert.Equal(1, await first.CountRecordsAsync(id)); // stored, with no silo running
            Assert.Equal(1, await first.CountRemindersAsync(id));
        }

        // The session expires while no silo runs. (The new cluster's first reminder tick may come before any check here
        // could look, hence the checks above.)
        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));
        await using var second = await DurableSessionCluster.StartAsync(store, testSilo, serviceId);

        await SessionTestSilo.WaitUntilAsync(async () => await second.CountRecordsAsync(id) == 0, "the new cluster's reminder deletes the idle session", TimeSpan.FromSeconds(30));
        await SessionTestSilo.WaitUntilAsync(async () => await second.CountRemindersAsync(id) == 0, "the reminder unregisters itself");
        Assert.Equal(1, testSilo.Calls.Calls); // the creation; nothing called the session in the new cluster
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
