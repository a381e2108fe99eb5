using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SessionGrains.Hosting;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// Cluster:Clustering=AdoNet: real silos on loopback ports find each other, and a client finds their gateways, through
/// the membership tables in PostgreSQL; sessions outlive the silo that held them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusteringTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Two_silos_and_a_client_meet_through_postgres_membership_and_sessions_survive_a_silo_stop()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var clusterId = "it-adonet-" + suffix;
        SessionClusterOptions Settings(int siloPort = 11111, int gatewayPort = 30000) => new()
        {
            Clustering = ClusteringProvider.AdoNet,
            GrainStorage = GrainStorageProvider.AdoNet,
            Reminders = ReminderProvider.AdoNet,
            AdoNetConnectionString = postgres.ConnectionString,
            ClusterId = clusterId,
            ServiceId = "it-adonet-service-" + suffix,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
        };

        var silos = new List<IHost>();
        IHost? client = null;
        try
        {
            for (var n = 0; n < 2; n++)
            {
                var silo = new HostBuilder().UseOrleans(s => s.UseSessionCluster(Settings(LoopbackPorts.Free(), LoopbackPorts.Free()))).Build();
                await silo.StartAsync();
                silos.Add(silo);
            }

            client = new HostBuilder().UseOrleansClient(c => c.UseSessionCluster(Settings())).Build();
            await client.StartAsync();
            var grains = client.Services.GetRequiredService<IClusterClient>();

            var active = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(2, active.Count);
            Assert.Equal(2, await postgres.CountAsync(
                "SELECT count(*) FROM sessiongrains_membership WHERE deployment_id = @c AND status = 3", ("c", clusterId)));

            var ids = Enumerable.Range(0, 10).Select(_ => SessionTestSilo.NewSessionId()).ToArray();
            await Task.WhenAll(ids.Select(id => grains.GetGrain<ISessionGrain>(id).CreateAsync(new SessionTimeouts(TimeSpan.FromMinutes(20)),
                new SessionChangeSet { Sets = new() { ["id"] = Encoding.UTF8.GetBytes(id) } })));

            await silos[1].StopAsync(); // graceful: it leaves the membership table as Dead
            foreach (var id in ids)
            {
                var session = await grains.GetGrain<ISessionGrain>(id).LoadAsync();
                Assert.Equal(id, Encoding.UTF8.GetString(session!.Data["id"]));
            }

            Assert.Equal(1, await postgres.CountAsync(
                "SELECT count(*) FROM sessiongrains_membership WHERE deployment_id = @c AND status = 3", ("c", clusterId)));
        }
        finally
        {
            if (client is not null)
            {
                await client.StopAsync();
                client.Dispose();
            }

            foreach (var silo in Enumerable.Reverse(silos))
            {
                await silo.StopAsync();
                silo.Dispose();
            }
        }
    }
}
