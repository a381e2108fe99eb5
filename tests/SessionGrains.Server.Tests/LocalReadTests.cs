using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>
/// Local reads (<see cref="LocalSessionDirectory"/>): the silo hosting a session's grain serves loads without a call,
/// sees every acknowledged write, slides expiry like a load, and never serves a session that ended.
/// </summary>
[Collection(SessionClusterCollection.Name)]
public sealed class LocalReadTests(SessionCluster fixture)
{
    [Fact]
    public async Task The_hosting_silo_reads_an_active_session_without_a_grain_call()
    {
        var id = SessionCluster.NewSessionId();
        await fixture.Session(id).CreateAsync(TwentyMinutes, Set(("user", "ada")));
        var host = fixture.HostDirectoryOf(id);
        var callsBefore = fixture.GrainCalls;

        var snapshot = host.TryLoad(id);

        Assert.NotNull(snapshot);
        Assert.Equal("ada", Text(snapshot.Data["user"]));
        Assert.Equal(1, snapshot.Version);
        Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(20), snapshot.ExpiresAt);
        Assert.Equal(callsBefore, fixture.GrainCalls);
        Assert.All(fixture.LocalDirectories.Where(d => d != host), other => Assert.Null(other.TryLoad(id)));
    }

    [Fact]
    public async Task Every_acknowledged_write_is_seen_by_the_next_local_read()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, null);
        var host = fixture.HostDirectoryOf(id);

        for (var i = 1; i <= 50; i++)
        {
            var written = await session.ApplyAsync(Set(("n", i.ToString())));
            var read = host.TryLoad(id);
            Assert.NotNull(read);
            Assert.Equal(written.Version, read.Version);
            Assert.Equal(i.ToString(), Text(read.Data["n"]));
        }
    }

    [Fact]
    public async Task Local_reads_during_concurrent_increments_see_whole_versions_in_order()
    {
        const int increments = 200;
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, null);
        var host = fixture.HostDirectoryOf(id);

        var writers = Task.WhenAll(Enumerable.Range(0, increments).Select(_ => session.IncrementAsync("n", 1)));
        var reader = Task.Run(() =>
        {
            long lastVersion = 0, reads = 0;
            while (!writers.IsCompleted)
            {
                var read = host.TryLoad(id) ?? throw new InvalidOperationException("An active session was not readable.");
                var value = read.Data.TryGetValue("n", out var bytes) ? long.Parse(Text(bytes)) : 0;
                Assert.Equal(read.Version - 1, value); // each increment adds one version
                Assert.True(read.Version >= lastVersion, $"version went back from {lastVersion} to {read.Version}");
                lastVersion = read.Version;
                reads++;
            }

            return reads;
        });
        await writers;

        Assert.True(await reader > 0);
        var final = host.TryLoad(id);
        Assert.NotNull(final);
        Assert.Equal(increments + 1, final.Version);
        Assert.Equal(increments.ToString(), Text(final.Data["n"]));
    }

    [Fact]
    public async Task A_local_read_slides_idle_expiry_and_reaches_storage_when_the_grain_deactivates()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(new SessionTimeouts(TimeSpan.FromMinutes(4)), Set(("user", "ada"))); // touch writes after 1 min
        var host = fixture.HostDirectoryOf(id);
        fixture.Clock.Advance(TimeSpan.FromSeconds(50));
        var accessedAt = fixture.Clock.GetUtcNow();

        var read = host.TryLoad(id);

        Assert.NotNull(read);
        Assert.Equal(accessedAt, read.LastAccessAt);
        Assert.Equal(accessedAt + TimeSpan.FromMinutes(4), read.ExpiresAt);
        Assert.Equal(1, fixture.StorageCounts.Writes(id)); // the creation only

        await fixture.Cluster.DeactivateAsync(session);
        Assert.Equal(accessedAt, (await fixture.ReadStoredRecordAsync(id))?.LastAccessAt);

        fixture.Clock.Advance(TimeSpan.FromMinutes(3.5)); // 4 min 20 s after creation, 3 min 30 s after the local read
        Assert.NotNull(await session.LoadAsync());
    }

    [Fact]
    public async Task A_read_due_a_touch_write_goes_to_the_grain_which_writes_it()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, null);
        var host = fixture.HostDirectoryOf(id);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Null(host.TryLoad(id));
        Assert.NotNull(await session.LoadAsync());
        Assert.Equal(2, fixture.StorageCounts.Writes(id));
        Assert.Equal(fixture.Clock.GetUtcNow(), (await fixture.ReadStoredRecordAsync(id))?.LastAccessAt);
        Assert.NotNull(host.TryLoad(id));
    }

    [Fact]
    public async Task A_session_past_its_absolute_expiry_is_not_read_locally()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(new SessionTimeouts(TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(30)), Set(("user", "ada")));
        var host = fixture.HostDirectoryOf(id);
        fixture.Clock.Advance(TimeSpan.FromSeconds(31)); // no touch write is due yet: only expiry refuses the read

        Assert.Null(host.TryLoad(id));
        Assert.Null(await session.LoadAsync());
        Assert.Null(await fixture.ReadStoredRecordAsync(id));
    }

    [Fact]
    public async Task Destroy_regenerate_and_deactivation_withdraw_the_session()
    {
        var destroyed = SessionCluster.NewSessionId();
        await fixture.Session(destroyed).CreateAsync(TwentyMinutes, null);
        await fixture.Session(destroyed).DestroyAsync();

        var regenerated = SessionCluster.NewSessionId();
        var successor = SessionCluster.NewSessionId();
        await fixture.Session(regenerated).CreateAsync(TwentyMinutes, Set(("user", "ada")));
        Assert.True((await fixture.Session(regenerated).RegenerateAsync(successor, TwentyMinutes, null)).Succeeded);

        var deactivated = SessionCluster.NewSessionId();
        await fixture.Session(deactivated).CreateAsync(TwentyMinutes, null);
        await fixture.Cluster.DeactivateAsync(fixture.Session(deactivated));

        foreach (var directory in fixture.LocalDirectories)
        {
            Assert.Null(directory.TryLoad(destroyed));
            Assert.Null(directory.TryLoad(regenerated));
            Assert.Null(directory.TryLoad(deactivated));
        }

        Assert.Equal("ada", Text(fixture.HostDirectoryOf(successor).TryLoad(successor)!.Data["user"]));
    }
}
