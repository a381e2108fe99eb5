using StackExchange.Redis;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// <c>farm.sh up --storage redis</c>: the same multi-process farm with redis-server holding membership, sessions and
/// reminders. Sessions are shared and stored in Redis, and a killed silo goes unnoticed, as on Azure storage. A cluster
/// whose silos all crash serves again within seconds once they restart together, with every acknowledged write kept.
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

    [Fact]
    public async Task A_cluster_whose_silos_all_crash_under_load_serves_again_within_seconds_of_their_restart_and_loses_no_acknowledged_write()
    {
        var load = new CounterLoad(_checks.Nginx, await CounterLoad.CreateSessionsAsync(_checks.Nginx, 32));
        var (restartAt, restartedAt) = (TimeSpan.MaxValue, TimeSpan.MaxValue);
        try
        {
            await load.RunAsync(8, TimeSpan.FromSeconds(20), actionAt: TimeSpan.FromSeconds(5), during: async () =>
            {
                await farm.RunAsync("kill-silo 1 2 3", TimeSpan.FromSeconds(30));
                restartAt = load.Elapsed;
                await farm.RunAsync("restart-silo 1 2 3", TimeSpan.FromMinutes(3));
                restartedAt = load.Elapsed;
            });

            var over = await _checks.AssertNoAcknowledgedWriteLostAsync(load, "SIGKILL of every silo");
            var served = load.FirstAcknowledgementAfter(restartAt) - restartAt;
            output.WriteLine($"Redis: SIGKILL of all 3 silos, restarted together: from the restart to the first served request " +
                $"{FarmLoadChecks.Ms(served)}, to all 3 silos healthy {FarmLoadChecks.Ms(restartedAt - restartAt)}; {FarmLoadChecks.Describe(load, over)}");
            Assert.True(served <= TimeSpan.FromSeconds(30), $"the first request after the restart was served {FarmLoadChecks.Ms(served)} after it\n{await farm.DiagnoseAsync()}");
        }
        finally
        {
            if (restartedAt == TimeSpan.MaxValue)
            {
                await farm.RunAsync("restart-silo 1 2 3", TimeSpan.FromMinutes(3)); // the other tests need the whole farm
            }
        }
    }

    public void Dispose() => _checks.Dispose();
}
