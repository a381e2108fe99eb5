using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.TestingHost;
using SessionGrains.Tests.Shared;
using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>Lifecycle events published to an Orleans stream named in configuration, received by another process's client.</summary>
public sealed class SessionEventStreamTests : IAsyncLifetime
{
    private const string Provider = "session-events";
    private readonly InProcessTestCluster _cluster;

    public SessionEventStreamTests()
    {
        var silo = new SessionTestSilo();
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, siloBuilder) =>
        {
            silo.Configure(siloBuilder);
            siloBuilder.AddMemoryStreams(Provider);
            siloBuilder.AddMemoryGrainStorage("PubSubStore");
            siloBuilder.Services.Configure<SessionSiloOptions>(o => o.EventStreamProvider = Provider);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(Provider));
        _cluster = builder.Build();
    }

    [Fact]
    public async Task A_client_subscribed_to_the_stream_receives_each_event_once()
    {
        var received = new ConcurrentQueue<SessionLifecycleEvent>();
        var stream = _cluster.Client.GetStreamProvider(Provider)
            .GetStream<SessionLifecycleEvent>(StreamId.Create("session-events", SessionGrainNames.EventStreamKey));
        var subscription = await stream.SubscribeAsync((e, _) =>
        {
            received.Enqueue(e);
            return Task.CompletedTask;
        });
        var id = SessionTestSilo.NewSessionId();
        var session = _cluster.Client.GetGrain<ISessionGrain>(id);

        await session.CreateAsync(TwentyMinutes, Set(("n", "1")));
        await session.DestroyAsync();

        var tag = SessionTag.Of(id);
        await SessionTestSilo.WaitUntilAsync(() => Task.FromResult(received.Count(e => e.SessionTag == tag) >= 2), "both events arrive");
        Assert.Equal([SessionEventKind.Created, SessionEventKind.Destroyed], received.Where(e => e.SessionTag == tag).Select(e => e.Kind));
        await subscription.UnsubscribeAsync();
    }

    public Task InitializeAsync() => _cluster.DeployAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
