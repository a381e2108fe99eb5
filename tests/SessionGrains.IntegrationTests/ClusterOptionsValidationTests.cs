using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionGrains.Hosting;

namespace SessionGrains.IntegrationTests;

/// <summary>Configuration that cannot work stops a silo or front end at start-up, with a message naming the key.</summary>
public sealed class ClusterOptionsValidationTests
{
    [Theory]
    [InlineData("Cluster:AdvertisedAddress", "not-an-address", "Cluster:AdvertisedAddress")]
    [InlineData("Cluster:SiloPort", "70000", "Cluster:SiloPort")]
    [InlineData("Cluster:ServiceId", "", "Cluster:ClusterId and Cluster:ServiceId")]
    [InlineData("Cluster:FailureDetection:ProbeTimeout", "00:00:00", "Cluster:FailureDetection")]
    [InlineData("Cluster:FailureDetection:TableRefreshTimeout", "-00:00:01", "Cluster:FailureDetection")]
    [InlineData("Cluster:FailureDetection:NumMissedTableIAmAliveLimit", "1", "NumMissedTableIAmAliveLimit must be at least 2")]
    [InlineData("Cluster:FailureDetection:IAmAliveTablePublishTimeout", "00:00:03", "at least 10 s")]
    public void A_silo_with_unusable_cluster_options_does_not_start(string key, string value, string named)
    {
        var cluster = Bind(new() { [key] = value });
        var failure = Assert.Throws<OptionsValidationException>(() => new HostBuilder().UseOrleans(silo => silo.UseSessionCluster(cluster)).Build());
        Assert.Contains(named, failure.Message);
    }

    [Fact]
    public void Failure_detection_and_heartbeat_settings_reach_Orleans_membership_options()
    {
        var cluster = Bind(new()
        {
            ["Cluster:FailureDetection:IAmAliveTablePublishTimeout"] = "00:00:07",
            ["Cluster:FailureDetection:NumMissedTableIAmAliveLimit"] = "4",
            ["Cluster:FailureDetection:TableRefreshTimeout"] = "00:00:05",
        });
        using var host = new HostBuilder().UseOrleans(silo => silo.UseSessionCluster(cluster)).Build();

        var membership = host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterMembershipOptions>>().Value;
        Assert.Equal(
            (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7), 4, TimeSpan.FromSeconds(5)),
            (membership.ProbeTimeout, membership.IAmAliveTablePublishTimeout, membership.NumMissedTableIAmAliveLimit, membership.TableRefreshTimeout));
    }

    [Theory]
    [InlineData("AzureStorage", "Cluster:StorageConnectionString")]
    [InlineData("Redis", "Cluster:RedisConnectionString")]
    [InlineData("AdoNet", "Cluster:AdoNetConnectionString")]
    public void A_client_whose_clustering_has_no_connection_string_does_not_start(string clustering, string named)
    {
        var cluster = Bind(new() { ["Cluster:Clustering"] = clustering, ["Cluster:StorageConnectionString"] = " " });
        var failure = Assert.Throws<OptionsValidationException>(() => new HostBuilder().UseOrleansClient(client => client.UseSessionCluster(cluster)).Build());
        Assert.Contains(named, failure.Message);
    }

    [Theory]
    [InlineData("GrainStorage", "Redis")]
    [InlineData("Reminders", "Redis")]
    public void A_silo_with_a_redis_provider_and_no_redis_connection_string_does_not_start(string key, string provider)
    {
        var cluster = Bind(new() { [$"Cluster:{key}"] = provider });
        var failure = Assert.Throws<OptionsValidationException>(() => new HostBuilder().UseOrleans(silo => silo.UseSessionCluster(cluster)).Build());
        Assert.Contains("Cluster:RedisConnectionString", failure.Message);
    }

    [Theory]
    [InlineData("Clustering", "AdoNet")]
    [InlineData("GrainStorage", "AdoNet")]
    [InlineData("Reminders", "AdoNet")]
    public void A_silo_with_an_adonet_provider_and_no_adonet_connection_string_does_not_start(string key, string provider)
    {
        var cluster = Bind(new() { [$"Cluster:{key}"] = provider });
        var failure = Assert.Throws<OptionsValidationException>(() => new HostBuilder().UseOrleans(silo => silo.UseSessionCluster(cluster)).Build());
        Assert.Contains("Cluster:AdoNetConnectionString", failure.Message);
    }

    [Theory]
    [InlineData("GrainStorage", true)] // the expiry index has a PostgreSQL table only
    [InlineData("Reminders", false)]
    public void A_silo_with_adonet_grain_storage_on_another_database_than_postgresql_does_not_start(string key, bool refused)
    {
        var cluster = Bind(new()
        {
            [$"Cluster:{key}"] = "AdoNet",
            ["Cluster:AdoNetConnectionString"] = "Server=127.0.0.1,1",
            ["Cluster:AdoNetInvariant"] = "Microsoft.Data.SqlClient",
        });
        var failure = Record.Exception(() => new HostBuilder().UseOrleans(silo => silo.UseSessionCluster(cluster)).Build().Dispose());
        Assert.Equal(refused, failure is OptionsValidationException { Message: var message } && message.Contains("Cluster:AdoNetInvariant must be Npgsql"));
    }

    [Fact]
    public void A_silo_with_single_silo_storage_on_shared_clustering_does_not_start()
    {
        var cluster = Bind(new() { ["Cluster:GrainStorage"] = "SingleSiloMemory", ["Cluster:Clustering"] = "Redis", ["Cluster:RedisConnectionString"] = "127.0.0.1:1" });
        var failure = Assert.Throws<OptionsValidationException>(() => new HostBuilder().UseOrleans(silo => silo.UseSessionCluster(cluster)).Build());
        Assert.Contains("Cluster:GrainStorage=SingleSiloMemory serves one silo", failure.Message);
    }

    [Theory]
    [InlineData("AzureTable", 262145, true)]
    [InlineData("AzureTable", 262144, false)]
    [InlineData("AzureBlob", 1048576, false)]
    [InlineData("Redis", 64 * 1024 * 1024 + 1, true)]
    [InlineData("Redis", 1048576, false)]
    [InlineData("AdoNet", 64 * 1024 * 1024 + 1, true)]
    [InlineData("AdoNet", 1048576, false)]
    public void Storage_refuses_sessions_larger_than_it_holds_or_serves_well_at_start_up(string storage, int maxSessionBytes, bool refused)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:GrainStorage"] = storage,
            ["Cluster:RedisConnectionString"] = "127.0.0.1:1", // never connected: only options are resolved
            ["Cluster:AdoNetConnectionString"] = "Host=127.0.0.1;Port=1",
            ["SessionGrains:MaxSessionBytes"] = maxSessionBytes.ToString(),
        }).Build();
        var cluster = configuration.GetSection(SessionClusterOptions.SectionName).Get<SessionClusterOptions>()!;
        using var host = new HostBuilder()
            .UseOrleans(silo => silo.UseSessionCluster(cluster, configuration.GetSection("SessionGrains")))
            .Build();

        // Options are validated when the host starts, before the silo does: resolve them as start-up would.
        var options = host.Services.GetRequiredService<IOptionsMonitor<Server.SessionSiloOptions>>();
        var failure = Record.Exception(() => options.Get(Options.DefaultName));
        Assert.Equal(refused, failure is OptionsValidationException { Message: var message } && message.Contains("MaxSessionBytes exceeds"));
    }

    private static SessionClusterOptions Bind(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build()
            .GetSection(SessionClusterOptions.SectionName).Get<SessionClusterOptions>() ?? new();
}
