using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.TestingHost;
using SessionGrains.Tests.Shared;
using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>
/// The silo's meter <c>SessionGrains.Server</c>, read with MetricCollector on a one-silo cluster of its own (so no
/// other test's sessions count): sessions created, ended by reason and layer, and active on the silo.
/// </summary>
public sealed class SessionSiloMetricsTests : IAsyncLifetime
{
    private const string Meter = SessionGrainsTelemetry.SiloMeterName;
    private readonly SessionTestSilo _silo = new();
    private readonly InProcessTestCluster _cluster;

    public SessionSiloMetricsTests()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => _silo.Configure(silo));
        _cluster = builder.Build();
    }

    [Fact]
    public async Task Created_ended_by_reason_and_active_sessions_are_measured()
    {
        using var created = Collector<long>("sessiongrains.sessions.created");
        using var ended = Collector<long>("sessiongrains.sessions.ended");
        using var active = Collector<long>("sessiongrains.sessions.active");
        var (destroyed, regenerated, expiring) = (Session(), Session(), Session());
        foreach (var session in new[] { destroyed, regenerated, expiring })
        {
            await session.CreateAsync(TwentyMinutes, Set(("k", "v")));
        }

        active.RecordObservableInstruments();
        Assert.Equal(3, active.LastMeasurement?.Value);

        await destroyed.DestroyAsync();
        await regenerated.RegenerateAsync(SessionTestSilo.NewSessionId(), TwentyMinutes, null, Guid.NewGuid());
        _silo.Clock.Advance(TimeSpan.FromMinutes(21));
        Assert.Null(await expiring.LoadAsync());

        Assert.Equal(4, created.GetMeasurementSnapshot().Sum(m => m.Value)); // the regeneration's new session too
        Assert.Equal(["destroyed", "regenerated", "expired"],
            ended.GetMeasurementSnapshot().Select(m => (string)m.Tags["sessiongrains.session.end_reason"]!));
        Assert.Equal("on_access", ended.GetMeasurementSnapshot()[2].Tags["sessiongrains.session.expiry_layer"]);
        await SessionTestSilo.WaitUntilAsync(() =>
        {
            active.RecordObservableInstruments();
            return Task.FromResult(active.LastMeasurement?.Value == 1); // the new session; the ended ones deactivated
        }, "ended sessions deactivate");
    }

    private ISessionGrain Session() => _cluster.Client.GetGrain<ISessionGrain>(SessionTestSilo.NewSessionId());

    private MetricCollector<T> Collector<T>(string instrument) where T : struct
        => new(_cluster.Silos[0].SiloHost.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Meter, instrument);

    public Task InitializeAsync() => _cluster.DeployAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
