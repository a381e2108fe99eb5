using StackExchange.Redis;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// <c>farm.sh up --storage redis</c>: the same multi-process farm with redis-server holding membership, sessions and
/// reminders. Sessions are shared and stored in Redis, and a killed silo goes unnoticed, as on Azure storage.
/// </summary>
[Collection(RedisLocalFarmCollection.Name)]
public sealed class RedisFarmTests(RedisLocalFarm farm, ITestOutputHelper output) : IDisposable
{
    private readonly FarmLoadChecks _checks = new(farm, output);

    [Fact]
    public async Task A_session_is_stored_in_redis_and_shared_by_both_front_ends()
    {
        Assert.Equal("2", await _checks.CounterReadThroughTheOtherFrontEndAsync());
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{farm.RedisPort}");
        var server = redis.GetServers()[0];
        Assert.NotEmpty(await server.KeysAsync(pattern: "sessiongrains-farm/state/session/*").Take(1).ToArrayAsync());
        var members = await redis.GetDatabase().HashGetAllAsync((await server.KeysAsync(pattern: "sessiongrains-farm/members/*").FirstAsync()).ToString());
        Assert.True(members.Count(e => e.Name != "version") >= 3, "the three silos' membership entries are in Redis");
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_most_sessions_under_load_goes_unnoticed()
    {
        var cookies = await CounterLoad.CreateSessionsAsync(_checks.Nginx, 64);
        var victim = await _checks.MostUsedSiloAsync(cookies);
        var load = new CounterLoad(_checks.Nginx, cookies);
        try
        {
            await load.RunAsync(16, TimeSpan.FromSeconds(30), actionAt: TimeSpan.FromSeconds(10),
                during: () => farm.RunAsync($"kill-silo {victim.Silo}", TimeSpan.FromSeconds(30)));
            await _checks.AssertUnnoticedAsync(load, $"Redis: SIGKILL silo {victim.Silo} (hosting {victim.Cookies.Length} of 64 sessions)", victim.Cookies);
        }
        finally
        {
            await farm.RunAsync($"restart-silo {victim.Silo}", TimeSpan.FromMinutes(2));
        }
    }

    public void Dispose() => _checks.Dispose();
}
