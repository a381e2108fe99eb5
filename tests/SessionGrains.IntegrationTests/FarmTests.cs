using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The multi-process farm started by deploy/local/farm.sh, through nginx: shared sessions across front ends; silos
/// killed, a front end killed and a rolling restart under write load (16 clients, 64 sessions, 30 s), each held to the
/// bar of <see cref="FarmLoadChecks.AssertUnnoticedAsync"/> (the front end killed again under a client that retries with
/// an Idempotency-Key, which must see no failure); a loaded soak that evicts no silo; and bad input (never a 5xx, nothing stored).
/// </summary>
[Collection(LocalFarmCollection.Name)]
public sealed class FarmTests(LocalFarm farm, ITestOutputHelper output) : IDisposable
{
    private const int Sessions = 64;
    private const int Workers = 16;
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(30);
    private readonly FarmLoadChecks _checks = new(farm, output);

    private HttpClient Nginx => _checks.Nginx;

    [Fact]
    public async Task A_session_created_through_one_front_end_is_read_through_the_other()
        => Assert.Equal("2", await _checks.CounterReadThroughTheOtherFrontEndAsync());

    [Fact]
    public async Task Each_front_end_serves_its_metrics_on_its_own_port_and_the_load_balancer_does_not()
    {
        using var a = FarmLoadChecks.Client(farm.FrontEnd(1));
        await CounterLoad.CreateSessionsAsync(a, 1);

        var metrics = await a.GetStringAsync("/metrics");
        var throughNginx = await Nginx.GetAsync("/metrics");

        Assert.Contains("sessiongrains_store_call_duration_seconds_bucket{", metrics);
        Assert.Equal(HttpStatusCode.NotFound, throughNginx.StatusCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Killing_the_silo_that_hosts_most_sessions_under_load_goes_unnoticed(int run)
    {
        var cookies = await CounterLoad.CreateSessionsAsync(Nginx, Sessions);
        var victim = await _checks.MostUsedSiloAsync(cookies);
        var load = new CounterLoad(Nginx, cookies);
        try
        {
            await load.RunAsync(Workers, LoadDuration, actionAt: TimeSpan.FromSeconds(10),
                during: () => farm.RunAsync($"kill-silo {victim.Silo}", TimeSpan.FromSeconds(30)));
            await _checks.AssertUnnoticedAsync(load, $"run {run}: SIGKILL silo {victim.Silo} (hosting {victim.Cookies.Length} of {Sessions} sessions)", victim.Cookies);
        }
        finally
        {
            await farm.RunAsync($"restart-silo {victim.Silo}", TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public async Task Killing_a_front_end_under_load_costs_at_most_its_in_flight_requests_and_nothing_to_a_client_retrying_with_an_idempotency_key()
    {
        var load = new CounterLoad(Nginx, await CounterLoad.CreateSessionsAsync(Nginx, Sessions));
        try
        {
            await load.RunAsync(Workers, LoadDuration, actionAt: TimeSpan.FromSeconds(10),
                during: () => farm.RunAsync("kill-web 1", TimeSpan.FromSeconds(30)));
            // A client that does not retry loses the requests in flight at the killed front end: at most one per worker.
            await _checks.AssertUnnoticedAsync(load, "SIGKILL front end 1", moved: [], maxFailed: Workers);
        }
        finally
        {
            await farm.RunAsync("restart-web 1", TimeSpan.FromMinutes(2));
        }

        // The same fault under a client that sends each increment again, under its own Idempotency-Key, until answered.
        var retrying = new CounterLoad(Nginx, await CounterLoad.CreateSessionsAsync(Nginx, Sessions), retryWithKey: true);
        try
        {
            await retrying.RunAsync(Workers, LoadDuration, actionAt: TimeSpan.FromSeconds(10),
                during: () => farm.RunAsync("kill-web 1", TimeSpan.FromSeconds(30)));
            var what = "SIGKILL front end 1, client retrying with an Idempotency-Key";
            var over = await _checks.AssertNoAcknowledgedWriteLostAsync(retrying, what);
            output.WriteLine($"{what}: {FarmLoadChecks.Describe(retrying, over)}; {retrying.Retried.Count} attempts sent again " +
                $"({string.Join(", ", retrying.Retried.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}"))})");
            Assert.Empty(retrying.Errors);
            Assert.Equal(0, over); // every acknowledged increment stored once: none lost, none doubled
            Assert.NotEmpty(retrying.Retried); // the kill did cut requests off; their retries recovered them
        }
        finally
        {
            await farm.RunAsync("restart-web 1", TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public async Task A_rolling_restart_of_every_silo_under_load_goes_unnoticed()
    {
        var load = new CounterLoad(Nginx, await CounterLoad.CreateSessionsAsync(Nginx, Sessions));

        await load.RunAsync(Workers, LoadDuration, actionAt: TimeSpan.FromSeconds(3), during: async () =>
        {
            for (var silo = 1; silo <= 3; silo++)
            {
                await farm.RunAsync($"stop-silo {silo}", TimeSpan.FromMinutes(1));
                await farm.RunAsync($"restart-silo {silo}", TimeSpan.FromMinutes(2));
            }
        });

        await _checks.AssertUnnoticedAsync(load, "rolling restart", moved: []);
    }

    [Fact]
    public async Task A_loaded_healthy_cluster_declares_no_silo_dead()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("FARM_SOAK_SECONDS"), out var s) ? s : 90;
        var deadBefore = await farm.CountDeadSilosAsync();
        var load = new CounterLoad(Nginx, await CounterLoad.CreateSessionsAsync(Nginx, Sessions));

        await load.RunAsync(Workers, TimeSpan.FromSeconds(seconds), actionAt: TimeSpan.Zero, during: () => Task.CompletedTask);

        Assert.Equal(deadBefore, await farm.CountDeadSilosAsync());
        Assert.Empty(load.Errors);
        await _checks.AssertUnnoticedAsync(load, $"soak {seconds} s, no fault", moved: []);
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
                using var response = await Nginx.SendAsync(request);
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
        Assert.InRange((int)(await Nginx.SendAsync(huge)).StatusCode, 200, 499);
        Assert.Equal(storedBefore, await farm.CountStoredSessionsAsync());
    }

    public void Dispose() => _checks.Dispose();
}
