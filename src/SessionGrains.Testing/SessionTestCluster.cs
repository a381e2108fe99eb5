using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using SessionGrains.AspNetCore;

namespace SessionGrains.Testing;

/// <summary>
/// An in-process Orleans cluster (free ports, loopback) running SessionGrains on memory storage with in-memory
/// reminders every second, and session time on a <see cref="FakeTimeProvider"/> that tests move with
/// <see cref="AdvanceTime"/>.
/// </summary>
public sealed class SessionTestCluster : IAsyncDisposable
{
    private SessionTestCluster(InProcessTestCluster cluster, FakeTimeProvider clock)
    {
        Cluster = cluster;
        Clock = clock;
    }

    /// <summary>The Orleans test cluster, for its silos.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The client as a grain factory.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Session time on every silo: creation, last access and expiry. Starts at 2026-01-01 00:00 UTC.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>
    /// Starts <paramref name="silos"/> silos. <paramref name="configure"/> adds to each silo's configuration (e.g. the app's
    /// own grains' dependencies, or lifecycle handlers) after SessionGrains' test set-up.
    /// </summary>
    public static async Task<SessionTestCluster> StartAsync(int silos = 1, Action<ISiloBuilder>? configure = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSessionGrainsForTests(clock);
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SessionTestCluster(cluster, clock);
    }

    /// <summary>Moves session time forward: a session idle for longer than its idle timeout has expired at its next access.</summary>
    public void AdvanceTime(TimeSpan delta) => Clock.Advance(delta);

    /// <summary>
    /// What the live session <paramref name="sessionId"/> holds; null when there is none (never created, destroyed or
    /// expired). Like a request, the read counts as an access at the current session time.
    /// </summary>
    public async Task<SessionContents?> ReadSessionAsync(string sessionId)
        => await Grains.GetGrain<ISessionGrain>(sessionId).LoadAsync() is { } snapshot ? new SessionContents(snapshot) : null;

    /// <summary>Creates a session with <paramref name="timeouts"/>, holding what <paramref name="seed"/> gives; returns its ID.</summary>
    public async Task<string> CreateSessionAsync(SessionTimeouts timeouts, SessionSeed? seed = null)
    {
        var id = SessionIdGenerator.NewId();
        var data = seed is { Values.Count: > 0 } ? new SessionChangeSet { Sets = new(seed.Values, StringComparer.Ordinal) } : null;
        var created = await Grains.GetGrain<ISessionGrain>(id).CreateAsync(timeouts, data, Guid.NewGuid());
        if (!created.Succeeded)
        {
            throw new InvalidOperationException($"The test session was not created: {created.Status} {created.Error}.");
        }

        if (seed?.UserId is { } userId)
        {
            var bound = await Grains.GetGrain<IUserSessionsGrain>(userId).BindAsync(id, device: null, UserSessionLimit.None);
            if (bound.Status != UserSessionBindStatus.Bound)
            {
                throw new InvalidOperationException($"The test session was not bound to its user: {bound.Status}.");
            }
        }

        return id;
    }

    /// <summary>Stops the silos and the client.</summary>
    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
