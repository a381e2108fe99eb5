using Microsoft.Extensions.DependencyInjection;
using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

[Collection(SessionClusterCollection.Name)]
public sealed class SessionLifecycleTests(SessionCluster fixture)
{
    [Fact]
    public async Task Create_load_apply_remove_clear_destroy_round_trip_with_increasing_versions()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);

        var created = await session.CreateAsync(TwentyMinutes, Set(("user", "ada")));
        Assert.Equal(SessionWriteStatus.Succeeded, created.Status);
        Assert.Equal(1, created.Version);
        Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(20), created.ExpiresAt);

        var loaded = await session.LoadAsync();
        Assert.NotNull(loaded);
        Assert.Equal("ada", Text(loaded.Data["user"]));
        Assert.Equal(1, loaded.Version);
        Assert.Equal(TwentyMinutes, loaded.Timeouts);

        var applied = await session.ApplyAsync(Set(("cart", "3 apples"), ("theme", "dark")));
        Assert.Equal(2, applied.Version);

        var removed = await session.ApplyAsync(new SessionChangeSet { Removals = ["theme"] });
        Assert.Equal(3, removed.Version);
        loaded = await session.LoadAsync();
        Assert.Equal(["cart", "user"], loaded!.Data.Keys.Order());

        var cleared = await session.ApplyAsync(new SessionChangeSet { Clear = true, Sets = new() { ["after"] = Bytes("clear") } });
        Assert.Equal(4, cleared.Version);
        loaded = await session.LoadAsync();
        Assert.Equal(["after"], loaded!.Data.Keys);
        Assert.Equal(4, (await fixture.ReadStoredRecordAsync(id))!.Version);

        await session.DestroyAsync();
        Assert.Null(await session.LoadAsync());
        Assert.Null(await fixture.ReadStoredRecordAsync(id));
        Assert.Empty(await fixture.IndexEntriesAsync(id));
    }

    [Fact]
    public async Task A_change_set_without_data_changes_does_not_bump_the_version()
    {
        var session = fixture.Session(SessionCluster.NewSessionId());
        await session.CreateAsync(TwentyMinutes, Set(("a", "1")));

        var touched = await session.ApplyAsync(new SessionChangeSet());

        Assert.Equal(SessionWriteStatus.Succeeded, touched.Status);
        Assert.Equal(1, touched.Version);
    }

    [Fact]
    public async Task State_survives_deactivation_including_the_last_access()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("user", "grace")));
        fixture.Clock.Advance(TimeSpan.FromSeconds(10)); // below the touch write interval: the access stays in memory
        var touchedAt = (await session.LoadAsync())!.LastAccessAt;

        await fixture.Cluster.DeactivateAsync(session);
        Assert.False(fixture.IsActive(id));

        var reloaded = await session.LoadAsync();
        Assert.NotNull(reloaded);
        Assert.Equal("grace", Text(reloaded.Data["user"]));
        Assert.Equal(touchedAt, (await fixture.ReadStoredRecordAsync(id))!.LastAccessAt);
    }

    [Fact]
    public async Task Create_over_a_live_session_is_refused_and_changes_nothing()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("owner", "first")));

        var second = await session.CreateAsync(TwentyMinutes, Set(("owner", "second")));

        Assert.Equal(SessionWriteStatus.AlreadyExists, second.Status);
        Assert.Equal("first", Text((await session.LoadAsync())!.Data["owner"]));
        Assert.Equal(1, fixture.StorageCounts.Writes(id));
    }

    [Fact]
    public async Task Calls_on_an_unknown_id_answer_no_session_and_store_nothing()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);

        Assert.Null(await session.LoadAsync());
        Assert.Equal(SessionWriteStatus.NoSession, (await session.ApplyAsync(Set(("x", "y")))).Status);
        Assert.Equal(SessionWriteStatus.NoSession, (await session.TouchAsync()).Status);
        Assert.Equal(SessionWriteStatus.NoSession, (await session.IncrementAsync("n", 1)).Status);
        Assert.Equal(SessionWriteStatus.NoSession, (await session.RegenerateAsync(SessionCluster.NewSessionId(), TwentyMinutes, null)).Status);
        await session.DestroyAsync();

        Assert.Null(await fixture.ReadStoredRecordAsync(id));
        Assert.Equal(0, fixture.StorageCounts.Writes(id));
        Assert.Equal(0, fixture.StorageCounts.Clears(id));
        Assert.Empty(await fixture.IndexEntriesAsync(id));
        await SessionCluster.WaitUntilAsync(() => Task.FromResult(!fixture.IsActive(id)), "the unknown session's activation is collected");
    }

    [Fact]
    public async Task Regeneration_carries_the_data_with_changes_and_the_old_id_answers_no_session()
    {
        var oldId = SessionCluster.NewSessionId();
        var newId = SessionCluster.NewSessionId();
        await fixture.Session(oldId).CreateAsync(TwentyMinutes, Set(("cart", "2 pears"), ("csrf", "old")));

        var result = await fixture.Session(oldId).RegenerateAsync(newId, TwentyMinutes, Set(("csrf", "new"), ("user", "linus")));

        Assert.Equal(SessionWriteStatus.Succeeded, result.Status);
        var moved = await fixture.Session(newId).LoadAsync();
        Assert.NotNull(moved);
        Assert.Equal(1, moved.Version);
        Assert.Equal("2 pears", Text(moved.Data["cart"]));
        Assert.Equal("new", Text(moved.Data["csrf"]));
        Assert.Equal("linus", Text(moved.Data["user"]));
        Assert.Null(await fixture.Session(oldId).LoadAsync());
        Assert.Equal(SessionWriteStatus.NoSession, (await fixture.Session(oldId).ApplyAsync(Set(("late", "write")))).Status);
        Assert.Null(await fixture.ReadStoredRecordAsync(oldId));
        Assert.Empty(await fixture.IndexEntriesAsync(oldId));
        Assert.Single(await fixture.IndexEntriesAsync(newId));
    }

    [Fact]
    public async Task Regeneration_onto_a_live_session_is_refused_and_keeps_both()
    {
        var oldId = SessionCluster.NewSessionId();
        var takenId = SessionCluster.NewSessionId();
        await fixture.Session(oldId).CreateAsync(TwentyMinutes, Set(("who", "old")));
        await fixture.Session(takenId).CreateAsync(TwentyMinutes, Set(("who", "taken")));

        var result = await fixture.Session(oldId).RegenerateAsync(takenId, TwentyMinutes, null);

        Assert.Equal(SessionWriteStatus.AlreadyExists, result.Status);
        Assert.Equal("old", Text((await fixture.Session(oldId).LoadAsync())!.Data["who"]));
        Assert.Equal("taken", Text((await fixture.Session(takenId).LoadAsync())!.Data["who"]));
    }

    [Fact]
    public async Task Requests_queued_behind_a_regeneration_never_see_the_old_session_alive_afterwards()
    {
        var oldId = SessionCluster.NewSessionId();
        var newId = SessionCluster.NewSessionId();
        await fixture.Session(oldId).CreateAsync(TwentyMinutes, Set(("n", "0")));

        var regenerate = fixture.Session(oldId).RegenerateAsync(newId, TwentyMinutes, null);
        var racingWrites = Enumerable.Range(0, 20).Select(i => fixture.Session(oldId).ApplyAsync(Set(($"k{i}", "v")))).ToList();
        await regenerate;
        var results = await Task.WhenAll(racingWrites);

        // Each racing write landed either before the move (and was carried) or after it (and was refused).
        var moved = (await fixture.Session(newId).LoadAsync())!;
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(results[i].Succeeded, moved.Data.ContainsKey($"k{i}"));
        }

        Assert.Null(await fixture.ReadStoredRecordAsync(oldId));
    }

    [Fact]
    public async Task Idle_session_activations_are_collected_after_the_configured_age()
    {
        var services = fixture.Cluster.Silos[0].SiloHost.Services;
        var collection = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.GrainCollectionOptions>>().Value;

        Assert.Equal(new SessionSiloOptions().CollectionAge, collection.ClassSpecificCollectionAge[typeof(SessionGrain).FullName!]);
        Assert.True(collection.ClassSpecificCollectionAge[typeof(SessionGrain).FullName!] < collection.CollectionAge);
    }
}
