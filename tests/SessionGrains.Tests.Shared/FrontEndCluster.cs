using Orleans.TestingHost;
using SessionGrains.Server;
using Xunit;

namespace SessionGrains.Tests.Shared;

/// <summary>A one-silo in-process cluster that front-end tests send their sessions to.</summary>
public sealed class FrontEndCluster : IAsyncLifetime
{
    public FrontEndCluster()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => Silo.Configure(silo));
        Cluster = builder.Build();
    }

    public SessionTestSilo Silo { get; } = new();

    public InProcessTestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.Client;

    internal Task<SessionRecord?> ReadStoredRecordAsync(string sessionId)
        => SessionTestSilo.ReadStoredRecordAsync(Cluster.Silos[0].SiloHost.Services, sessionId);

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
