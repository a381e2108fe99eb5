using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Storage;
using Orleans.TestingHost;
using SessionGrains.Tests.Shared;

namespace SessionGrains.Server.Tests;

/// <summary>
/// The silo's health checks as a host registers them (AddSessionSiloMembership, AddSessionStorage), run by the real
/// HealthCheckService of a silo of an in-process cluster whose session storage can be made to fail or hang.
/// </summary>
public sealed class SiloHealthCheckTests : IAsyncLifetime
{
    private const string StorageName = "probed-sessions";
    private static readonly TimeSpan StorageTimeout = TimeSpan.FromMilliseconds(500);
    private readonly InProcessTestCluster _cluster;

    public SiloHealthCheckTests()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            new SessionTestSilo().Configure(silo);
            silo.Services.Configure<SessionSiloOptions>(o => o.StorageName = StorageName);
            silo.Services.AddKeyedSingleton<ProbeGrainStorage>(StorageName, (sp, _) =>
                new ProbeGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(SessionTestSilo.InnerStorageName)));
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageName, (sp, key) => sp.GetRequiredKeyedService<ProbeGrainStorage>(key));
            silo.Services.AddHealthChecks()
                .AddSessionSiloMembership(tags: ["live"])
                .AddSessionStorage(failureStatus: HealthStatus.Degraded, tags: ["ready"], timeout: StorageTimeout);
        });
        _cluster = builder.Build();
    }

    private IServiceProvider Silo => _cluster.Silos[0].SiloHost.Services;

    private ProbeGrainStorage Storage => Silo.GetRequiredKeyedService<ProbeGrainStorage>(StorageName);

    private Task<HealthReport> CheckAsync() => Silo.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public Task InitializeAsync() => _cluster.DeployAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_active_silo_with_working_storage_is_healthy_and_the_probe_leaves_no_record()
    {
        var report = await CheckAsync();

        Assert.True(report.Status == HealthStatus.Healthy, string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description} {e.Value.Exception}")));
        var membership = report.Entries[SessionSiloHealthChecksBuilderExtensions.MembershipCheckName];
        Assert.Contains("Active", membership.Description);
        Assert.Equal(["live"], membership.Tags);
        var storage = report.Entries[SessionSiloHealthChecksBuilderExtensions.StorageCheckName];
        Assert.True(storage.Status == HealthStatus.Healthy, $"{storage.Description}: {storage.Exception}");

        var probe = Storage.Operations.Where(o => o.GrainId.Type.ToString() == SessionStorageHealthCheck.GrainTypeName).ToList();
        Assert.Equal(["write", "read", "clear"], probe.Select(o => o.Operation));
        Assert.Single(probe.Select(o => o.GrainId).Distinct());
        var left = new GrainState<SessionStorageProbe>();
        await Storage.Inner.ReadStateAsync(SessionStorageHealthCheck.StateName, probe[0].GrainId, left);
        Assert.False(left.RecordExists);
    }

    [Fact]
    public async Task Failing_storage_reports_the_configured_failure_status_and_leaves_membership_healthy()
    {
        Storage.Mode = ProbeStorageMode.Fail;

        var report = await CheckAsync();

        var storage = report.Entries[SessionSiloHealthChecksBuilderExtensions.StorageCheckName];
        Assert.Equal(HealthStatus.Degraded, storage.Status);
        Assert.IsType<InvalidOperationException>(storage.Exception);
        Assert.Equal(HealthStatus.Healthy, report.Entries[SessionSiloHealthChecksBuilderExtensions.MembershipCheckName].Status);
        Assert.Equal(HealthStatus.Healthy, (await Silo.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("live"))).Status);
    }

    [Fact]
    public async Task Storage_that_never_answers_fails_the_check_at_its_timeout()
    {
        Storage.Mode = ProbeStorageMode.Hang;

        var report = await CheckAsync().WaitAsync(TimeSpan.FromSeconds(30)); // generous bound: the check's timeout is 0.5 s

        Assert.Equal(HealthStatus.Degraded, report.Entries[SessionSiloHealthChecksBuilderExtensions.StorageCheckName].Status);
    }
}
