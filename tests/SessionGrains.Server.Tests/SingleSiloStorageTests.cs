using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;
using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>Single-silo grain storage: a real one-silo cluster keeps sessions across deactivation; a two-silo cluster is refused.</summary>
public sealed class SingleSiloStorageTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_session_survives_deactivation_and_destroy_leaves_no_state()
    {
        await using var cluster = await StartAsync(silos: 1);
        var id = SessionCluster.NewSessionId();
        var session = cluster.Client.GetGrain<ISessionGrain>(id);

        await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        var applied = await session.ApplyAsync(Set(("cart", "3 apples")));
        await cluster.DeactivateAsync(SessionCluster.GrainIdOf(id));

        var loaded = await session.LoadAsync();
        Assert.NotNull(loaded);
        Assert.Equal(applied.Version, loaded.Version);
        Assert.Equal(["cart", "user"], loaded.Data.Keys.Order());
        Assert.Equal("3 apples", Text(loaded.Data["cart"]));
        Assert.Equal(applied.Version, (await ReadAsync(cluster, id)).State!.Version);

        await session.DestroyAsync();
        Assert.False((await ReadAsync(cluster, id)).RecordExists);
        Assert.Null(await session.LoadAsync());
    }

    [Fact]
    public async Task A_write_with_a_stale_ETag_is_refused_and_the_stored_state_stays()
    {
        await using var cluster = await StartAsync(silos: 1);
        var id = SessionCluster.NewSessionId();
        await cluster.Client.GetGrain<ISessionGrain>(id).CreateAsync(TwentyMinutes, Set(("a", "1")));
        var storage = Storage(cluster);

        var stale = await ReadAsync(cluster, id);
        var fresh = await ReadAsync(cluster, id);
        fresh.State = new SessionRecord { Version = 7, IdleTimeout = TimeSpan.FromMinutes(20) };
        await storage.WriteStateAsync(SessionGrainNames.SessionState, SessionCluster.GrainIdOf(id), fresh);
        stale.State = new SessionRecord { Version = 99 };

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(SessionGrainNames.SessionState, SessionCluster.GrainIdOf(id), stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(SessionGrainNames.SessionState, SessionCluster.GrainIdOf(id), stale));
        Assert.Equal(7, (await ReadAsync(cluster, id)).State!.Version);
    }

    [Fact]
    public async Task With_a_second_active_silo_session_writes_fail_with_a_clear_error()
    {
        await using var cluster = await StartAsync(silos: 2);
        await SessionCluster.WaitUntilAsync(() => Task.FromResult(cluster.Silos.All(silo => silo.SiloHost.Services
            .GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) == 2)),
            "each silo sees both silos active");
        var failures = new List<string>();
        for (var i = 0; i < 8; i++) // sessions land on both silos; every one of them must fail
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(
                () => cluster.Client.GetGrain<ISessionGrain>(SessionCluster.NewSessionId()).CreateAsync(TwentyMinutes, Set(("a", "1"))));
            failures.Add(error.Message);
        }

        Assert.All(failures, message => Assert.Contains("Single-silo grain storage serves a cluster of one silo", message));
    }

    private async Task<InProcessTestCluster> StartAsync(int silos)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo
            .AddSessionGrains()
            .AddSessionSingleSiloStorage()
            .UseInMemoryReminderService()
            .UseSessionTestTime(_clock));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static IGrainStorage Storage(InProcessTestCluster cluster)
        => cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(SessionSiloOptions.DefaultStorageName);

    private static async Task<GrainState<SessionRecord>> ReadAsync(InProcessTestCluster cluster, string id)
    {
        var state = new GrainState<SessionRecord>();
        await Storage(cluster).ReadStateAsync(SessionGrainNames.SessionState, SessionCluster.GrainIdOf(id), state);
        return state;
    }
}
