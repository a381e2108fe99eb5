using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.TestingHost;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// The front end's health check (AddSessionClusterCheck) against a real cluster, and against a cluster client whose only
/// silo has stopped; and the demo's /healthz (liveness) and /healthz/ready (readiness) over HTTP in both cases.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class SessionClusterHealthCheckTests(FrontEndCluster cluster) : IAsyncLifetime
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(1);
    private InProcessTestCluster? _stopped;

    /// <summary>The client of a one-silo cluster whose silo was stopped after the client connected.</summary>
    private IGrainFactory Unreachable => _stopped!.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        _stopped = builder.Build();
        await _stopped.DeployAsync();
        await _stopped.StopSiloAsync(_stopped.Silos[0]);
    }

    public async Task DisposeAsync() => await _stopped!.DisposeAsync();

    private static async Task<HealthReportEntry> CheckAsync(IGrainFactory grains, HealthStatus? failureStatus = null)
    {
        await using var services = new ServiceCollection().AddLogging().AddSingleton(grains)
            .AddHealthChecks().AddSessionClusterCheck(failureStatus: failureStatus, timeout: CheckTimeout).Services
            .BuildServiceProvider();
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return report.Entries[SessionGrainsHealthChecksBuilderExtensions.ClusterCheckName];
    }

    private static Task<TestApp> StartAppAsync(IGrainFactory grains) => TestApp.StartAsync(grains,
        services: s => s.AddHealthChecks().AddSessionClusterCheck(tags: [SessionHealthEndpoints.ReadyTag], timeout: CheckTimeout),
        endpoints: e => e.MapSessionHealthChecks());

    [Fact]
    public void The_former_name_AddSessionGrains_still_adds_the_cluster_check()
    {
#pragma warning disable CS0618 // the obsolete name is the subject
        using var services = new ServiceCollection().AddLogging().AddSingleton(cluster.Grains)
            .AddHealthChecks().AddSessionGrains(tags: ["ready"]).Services.BuildServiceProvider();
#pragma warning restore CS0618

        var registration = Assert.Single(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        Assert.Equal(SessionGrainsHealthChecksBuilderExtensions.ClusterCheckName, registration.Name);
        Assert.Equal(["ready"], registration.Tags);
    }

    [Fact]
    public async Task A_reachable_cluster_is_healthy()
    {
        var entry = await CheckAsync(cluster.Grains);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("1 active silo", entry.Description);
    }

    [Theory]
    [InlineData(HealthStatus.Unhealthy)]
    [InlineData(HealthStatus.Degraded)]
    public async Task An_unreachable_cluster_reports_the_configured_failure_status_within_the_timeout(HealthStatus failureStatus)
    {
        var entry = await CheckAsync(Unreachable, failureStatus);

        Assert.Equal(failureStatus, entry.Status);
    }

    [Fact]
    public async Task Over_HTTP_liveness_and_readiness_pass_while_the_cluster_answers()
    {
        await using var app = await StartAppAsync(cluster.Grains);

        var live = await app.GetAsync(SessionHealthEndpoints.LivenessPath);
        var ready = await app.GetAsync(SessionHealthEndpoints.ReadinessPath);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("session-cluster: Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Over_HTTP_a_front_end_without_its_cluster_stays_live_but_not_ready()
    {
        await using var app = await StartAppAsync(Unreachable);

        var live = await app.GetAsync(SessionHealthEndpoints.LivenessPath);
        var ready = await app.GetAsync(SessionHealthEndpoints.ReadinessPath);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("session-cluster: Unhealthy", await ready.Content.ReadAsStringAsync());
    }
}
