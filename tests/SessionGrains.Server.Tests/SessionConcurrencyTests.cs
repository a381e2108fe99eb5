using Microsoft.Extensions.DependencyInjection;
using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

[Collection(SessionClusterCollection.Name)]
public sealed class SessionConcurrencyTests(SessionCluster fixture)
{
    [Fact]
    public async Task A_thousand_concurrent_increments_from_many_callers_lose_nothing()
    {
        var id = SessionCluster.NewSessionId();
        await fixture.Session(id).CreateAsync(TwentyMinutes, null);
        IGrainFactory[] callers =
        [
            fixture.Cluster.Client,
            .. fixture.Cluster.Silos.Select(s => s.SiloHost.Services.GetRequiredService<IGrainFactory>()),
        ];

        var results = await Task.WhenAll(Enumerable.Range(0, 1000)
            .Select(i => Task.Run(() => callers[i % callers.Length].GetGrain<ISessionGrain>(id).IncrementAsync("hits", 1))));

        Assert.All(results, r => Assert.Equal(SessionWriteStatus.Succeeded, r.Status));
        Assert.Equal(Enumerable.Range(1, 1000), results.Select(r => (int)r.Value).Order());
        var stored = await fixture.ReadStoredRecordAsync(id);
        Assert.True(SessionValueFormat.TryParseInt64(stored!.Data["hits"], out var hits));
        Assert.Equal(1000, hits);
        Assert.Equal(1001, stored.Version);
    }

    [Fact]
    public async Task Concurrent_change_sets_on_different_keys_all_land()
    {
        var id = SessionCluster.NewSessionId();
        await fixture.Session(id).CreateAsync(TwentyMinutes, null);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => fixture.Session(id).ApplyAsync(Set(($"key{i}", $"value{i}")))));

        var loaded = await fixture.Session(id).LoadAsync();
        Assert.Equal(100, loaded!.Data.Count);
        Assert.Equal(101, loaded.Version);
    }

    [Fact]
    public async Task Increments_use_the_documented_decimal_format_and_refuse_other_values()
    {
        var session = fixture.Session(SessionCluster.NewSessionId());
        await session.CreateAsync(TwentyMinutes, Set(("counter", "41"), ("name", "ada"), ("max", long.MaxValue.ToString())));

        var incremented = await session.IncrementAsync("counter", 1);
        var fresh = await session.IncrementAsync("fresh", -5);

        Assert.Equal(42, incremented.Value);
        Assert.Equal("42", Text((await session.LoadAsync())!.Data["counter"]));
        Assert.Equal(-5, fresh.Value);
        Assert.Equal(SessionWriteStatus.InvalidRequest, (await session.IncrementAsync("name", 1)).Status);
        Assert.Equal(SessionWriteStatus.InvalidRequest, (await session.IncrementAsync("max", 1)).Status);
        Assert.Equal("ada", Text((await session.LoadAsync())!.Data["name"]));
    }
}
