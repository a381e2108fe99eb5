using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The multi-process farm started by deploy/local/farm.sh, through nginx: shared sessions across front ends; silos
/// killed, a front end killed and a rolling restart under write load (16 clients, 64 sessions, 30 s), each held to the
/// bar of <see cref="AssertUnnoticedAsync"/>; a loaded soak that evicts no silo; and bad input (never a 5xx, nothing stored).
/// </summary>
[Collection(LocalFarmCollection.Name)]
public sealed class FarmTests(LocalFarm farm, ITestOutputHelper output) : IDisposable
{
    private const int Sessions = 64;
    private const int Workers = 16;
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(30);
    private readonly HttpClient _nginx = Client(farm.Nginx);

    /// <summary>A client that sends exactly the Cookie headers a test sets (no cookie container).</summary>
    private static HttpClient Client(Uri baseAddress)
        => new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(40) };

    [Fact]
    public async Task A_session_created_through_one_front_end_is_read_through_the_other()
    {
        using var a = Client(farm.FrontEnd(1));
        using var b = Client(farm.FrontEnd(2));
        var cookie = (await CounterLoad.CreateSessionsAsync(a, 1))[0];
        using var increment = new HttpRequestMessage(HttpMethod.Post, "/counter/atomic") { Headers = { { "Cookie", cookie } } };
        await a.SendAsync(increment);

        using var read = new HttpRequestMessage(HttpMethod.Get, "/counter") { Headers = { { "Cookie", cookie } } };
        var count = await (await b.SendAsync(read)).Content.ReadAsStringAsync();

        Assert.Equal("2", count);
    }

    [Fact]
    public async Task Each_front_end_serves_its_metrics_on_its_own_port_and_the_load_balancer_does_not()
    {
        using var a = Client(farm.FrontEnd(1));
        await CounterLoad.CreateSessionsAsync(a, 1);

        var metrics = await a.GetStringAsync("/metrics");
        var throughNginx = await _nginx.GetAsync("/metrics");

        Assert.Contains("sessiongrains_store_call_duration_seconds_bucket{", metrics);
        Assert.Equal(HttpStatusCode.NotFound, throughNginx.StatusCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Killing_the_silo_that_hosts_most_sessions_under_load_goes_unnoticed(int run)
    {
        var cookies = await CounterLoad.CreateSessionsAsync(_nginx, Sessions);
        var victim = await MostUsedSiloAsync(cookies);
        var load = new CounterLoad(_nginx, cookies);
        try
        {
            await load.RunAsync(Workers, LoadDuration, actionAt: TimeSpan.FromSeconds(10),
                during: () => farm.RunAsync($"kill-silo {victim.Silo}", TimeSpan.FromSeconds(30)));
            await AssertUnnoticedAsync(load, $"run {run}: SIGKILL silo {victim.Silo} (hosting {victim.Cookies.Length} of {Sessions} sessions)", victim.Cookies);
        }
        finally
        {
            await farm.RunAsync($"restart-silo {victim.Silo}", TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public async Task Killing_a_front_end_under_load_costs_at_most_its_in_flight_requests()
    {
        var load = new CounterLoad(_nginx, await CounterLoad.CreateSessionsAsync(_nginx, Sessions));
        try
        {
            await load.RunAsync(Workers, LoadDuration, actionAt: TimeSpan.FromSeconds(10),
                during: () => farm.RunAsync("kill-web 1", TimeSpan.FromSeconds(30)));
            Assert.True(load.Errors.Count <= Workers, $"more failures ({load.Errors.Count}) than requests in flight ({Workers})");
            await AssertUnnoticedAsync(load, "SIGKILL front end 1", moved: []);
        }
        finally
        {
            await farm.RunAsync("restart-web 1", TimeSpan.FromMinutes(2));
        }
    }

    /// <summary>The silo (1-3) hosting most of the sessions, as the demo page reports each session's silo, and those sessions.</summary>
    private async Task<(int Silo, string[] Cookies)> MostUsedSiloAsync(string[] cookies)
    {
        var silos = new List<int>();
        foreach (var cookie in cookies)
        {
            using var page = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "Cookie", cookie } } };
            var html = await (await _nginx.SendAsync(page)).Content.ReadAsStringAsync();
            var address = System.Text.RegularExpressions.Regex.Match(html, @"<dd id=""silo"">S127\.0\.0\.1:(\d+):");
            Assert.True(address.Success, "the demo page names the session's silo");
            silos.Add(int.Parse(address.Groups[1].Value, CultureInfo.InvariantCulture) - LocalFarm.FirstSiloPort + 1);
        }

        var most = silos.GroupBy(s => s).MaxBy(g => g.Count())!.Key;
        return (most, cookies.Where((_, i) => silos[i] == most).ToArray());
    }

    [Fact]
    public async Task A_rolling_restart_of_every_silo_under_load_goes_unnoticed()
    {
        var load = new CounterLoad(_nginx, await CounterLoad.CreateSessionsAsync(_nginx, Sessions));

        await load.RunAsync(Workers, LoadDuration, actionAt: TimeSpan.FromSeconds(3), during: async () =>
        {
            for (var silo = 1; silo <= 3; silo++)
            {
                await farm.RunAsync($"stop-silo {silo}", TimeSpan.FromMinutes(1));
                await farm.RunAsync($"restart-silo {silo}", TimeSpan.FromMinutes(2));
            }
        });

        await AssertUnnoticedAsync(load, "rolling restart", moved: []);
    }

    [Fact]
    public async Task A_loaded_healthy_cluster_declares_no_silo_dead()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("FARM_SOAK_SECONDS"), out var s) ? s : 90;
        var deadBefore = await farm.CountDeadSilosAsync();
        var load = new CounterLoad(_nginx, await CounterLoad.CreateSessionsAsync(_nginx, Sessions));

        await load.RunAsync(Workers, TimeSpan.FromSeconds(seconds), actionAt: TimeSpan.Zero, during: () => Task.CompletedTask);

        Assert.Equal(deadBefore, await farm.CountDeadSilosAsync());
        Assert.Empty(load.Errors);
        await AssertUnnoticedAsync(load, $"soak {seconds} s, no fault", moved: []);
        await farm.RunAsync("status", TimeSpan.FromSeconds(30)); // every process still up and healthy
    }

    [Fact]
    public async Task Bad_cookies_and_headers_get_a_4xx_or_a_fresh_session_never_a_5xx_and_store_nothing()
    {
        var storedBefore = await farm.CountStoredSessionsAsync();
        string[] cookies =
        [
            "connect.sid=s%3Aforged-id.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "connect.sid=s%3A",
            "connect.sid=%%%%%",
            "connect.sid=\"unterminated",
            "connect.sid=" + new string('a', 3000),
            "connect.sid=" + new string('b', 20_000),
            string.Join("; ", Enumerable.Range(0, 200).Select(i => $"connect.sid=s%3Aid{i}.sig")),
        ];

        foreach (var cookie in cookies)
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, "/counter"), (HttpMethod.Get, "/me"), (HttpMethod.Get, "/") })
            {
                using var request = new HttpRequestMessage(method, path);
                request.Headers.TryAddWithoutValidation("Cookie", cookie);
                using var response = await _nginx.SendAsync(request);
                Assert.True((int)response.StatusCode < 500, $"{method} {path} with cookie {cookie[..Math.Min(40, cookie.Length)]}… answered {response.StatusCode}");
                Assert.False(response.Headers.Contains("Set-Cookie"), "a read with a bad cookie must not create a session");
                if (path == "/counter" && response.IsSuccessStatusCode)
                {
                    Assert.Equal("0", await response.Content.ReadAsStringAsync());
                }
            }
        }

        using var huge = new HttpRequestMessage(HttpMethod.Get, "/counter");
        huge.Headers.TryAddWithoutValidation("X-Padding", new string('x', 100_000));
        Assert.InRange((int)(await _nginx.SendAsync(huge)).StatusCode, 200, 499);
        Assert.Equal(storedBefore, await farm.CountStoredSessionsAsync());
    }

    /// <summary>
    /// The issue's bar for a fault under load: no acknowledged increment lost, none applied twice (a session never holds
    /// more than acknowledged + failed), at most 0.1 % of requests failed, none slower than 5 s. Prints the run's figures.
    /// </summary>
    private async Task AssertUnnoticedAsync(CounterLoad load, string what, string[] moved)
    {
        var over = 0;
        foreach (var (cookie, acknowledged) in load.Acknowledged)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, "/counter") { Headers = { { "Cookie", cookie } } };
            using var response = await _nginx.SendAsync(read);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Fail($"{what}: reading a session after the load answered {response.StatusCode}.\n{await farm.DiagnoseAsync()}");
            }

            var stored = int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
            Assert.True(stored >= acknowledged, $"{what}: a session lost acknowledged increments ({stored} stored, {acknowledged} acknowledged)");
            Assert.True(stored <= acknowledged + load.Failed.GetValueOrDefault(cookie), $"{what}: an increment was applied twice");
            over += stored - acknowledged;
        }

        var firstMoved = moved.Select(c => load.FirstSuccessAfterAction.GetValueOrDefault(c, TimeSpan.MaxValue)).DefaultIfEmpty(TimeSpan.MaxValue).ToArray();
        var sinceKill = (Min: firstMoved.Min() - load.ActionAt, Max: firstMoved.Max() - load.ActionAt);
        output.WriteLine($"{what}: {load.Requests} requests, {load.Errors.Count} failed ({Describe(load)}), " +
            $"latency p50 {Ms(load.Percentile(0.5))} p99 {Ms(load.Percentile(0.99))} max {Ms(load.Percentile(1))}, " +
            $"{over} applied without an acknowledgement (of failed requests)" +
            (moved.Length == 0 ? "" : $", from the kill command to the first success on a moved session {Ms(sinceKill.Min)}, on every moved session {Ms(sinceKill.Max)}"));
        Assert.True(load.Errors.Count <= load.Requests / 1000, $"{what}: {load.Errors.Count} of {load.Requests} requests failed ({Describe(load)})");
        Assert.True(load.Percentile(1) <= TimeSpan.FromSeconds(5), $"{what}: the slowest request took {Ms(load.Percentile(1))}");
    }

    private static string Ms(TimeSpan t) => t == TimeSpan.MaxValue || t < TimeSpan.Zero ? "n/a" : $"{t.TotalMilliseconds:F0} ms";

    private static string Describe(CounterLoad load) => string.Join(", ", load.Errors.GroupBy(e => e.What).Select(g => $"{g.Key} x{g.Count()}"));

    public void Dispose() => _nginx.Dispose();
}
