using SessionGrains.Hosting;
using SessionGrains.TestSupport;

namespace SessionGrains.IntegrationTests;

/// <summary>Silos die and clusters restart; durable storage and reminders keep every acknowledged write and every cleanup.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FailoverTests(AzuriteServer azurite)
{
    private static readonly SessionSettings TwentyMinutes = new(TimeSpan.FromMinutes(20));

    private static string NewId() => SessionTestSilo.NewSessionId();

    [Fact]
    public async Task The_reminder_survives_a_whole_cluster_restart_and_still_deletes_the_idle_session()
    {
        var serviceId = "it-restart-" + Guid.NewGuid().ToString("N")[..8];
        var testSilo = new SessionTestSilo();
        var id = NewId();
        await using (var first = await AzureSessionCluster.StartAsync(azurite, testSilo, GrainStorageProvider.AzureTable, serviceId))
        {
            await first.Session(id).CreateAsync(TwentyMinutes, null);
            await first.Cluster.StopAllSilosAsync();
            Assert.Equal(1, await first.CountTableRowsAsync(id)); // stored, with no silo running
            Assert.Equal(1, await first.CountReminderRowsAsync(id));
        }

        // The session expires while no silo runs. (The new cluster's first reminder tick may come before any check here
        // could look, hence the checks above.)
        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));
        await using var second = await AzureSessionCluster.StartAsync(azurite, testSilo, GrainStorageProvider.AzureTable, serviceId);

        await SessionTestSilo.WaitUntilAsync(async () => await second.CountTableRowsAsync(id) == 0, "the new cluster's reminder deletes the idle session", TimeSpan.FromSeconds(30));
        await SessionTestSilo.WaitUntilAsync(async () => await second.CountReminderRowsAsync(id) == 0, "the reminder unregisters itself");
        Assert.Equal(1, testSilo.Calls.Calls); // the creation; nothing called the session in the new cluster
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_sessions_loses_no_acknowledged_write()
    {
        await using var cluster = await AzureSessionCluster.StartAsync(azurite, new SessionTestSilo(), GrainStorageProvider.AzureTable, "it-kill-" + Guid.NewGuid().ToString("N")[..8], silos: 3);
        var ids = Enumerable.Range(0, 30).Select(_ => NewId()).ToArray();
        await Task.WhenAll(ids.Select(id => cluster.Session(id).CreateAsync(TwentyMinutes, null)));
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(ids.Select(id => cluster.Session(id).IncrementAsync("n", 1)));
        }

        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var hosts = await Task.WhenAll(ids.Select(async id => await management.GetActivationAddress(cluster.Session(id))));
        var victim = cluster.Cluster.Silos.Where(s => s.SiloAddress != cluster.Cluster.Silos[0].SiloAddress)
            .OrderByDescending(s => hosts.Count(h => h == s.SiloAddress)).First();
        var moved = ids.Where((_, i) => hosts[i] == victim.SiloAddress).ToArray();
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
}
