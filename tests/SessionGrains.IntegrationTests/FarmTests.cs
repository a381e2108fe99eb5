using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The multi-process farm started by deploy/local/farm.sh: shared sessions across front ends, a silo killed and a
/// rolling restart under write load (no acknowledged write lost), and bad input (never a 5xx, nothing stored).
/// </summary>
[Collection(LocalFarmCollection.Name)]
public sealed class FarmTests(LocalFarm farm, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan FailoverBudget = TimeSpan.FromSeconds(30);
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
    public async Task Killing_a_silo_under_write_load_loses_no_acknowledged_increment()
    {
        var cookies = await CounterLoad.CreateSessionsAsync(_nginx, 64);
        var victim = await MostUsedSiloAsync(cookies);
        var load = new CounterLoad(_nginx, cookies);
        var killedAt = TimeSpan.FromSeconds(5);
        await load.RunAsync(workers: 16, duration: TimeSpan.FromSeconds(20), actionAt: killedAt, during: () => farm.RunAsync($"kill-silo {victim.Silo}", TimeSpan.FromSeconds(30)));
        try
        {
            await AssertNothingLostAsync(load, $"kill silo {victim.Silo}");
            Assert.All(load.Errors, e => Assert.InRange(e.At, killedAt - TimeSpan.FromSeconds(1), killedAt + FailoverBudget));
            var recovered = load.Errors.IsEmpty ? TimeSpan.Zero : load.Errors.Max(e => e.At) - killedAt;
            var slowest = load.Errors.IsEmpty ? TimeSpan.Zero : load.Errors.Max(e => e.Took);
            output.WriteLine($"kill silo {victim.Silo} (hosting {victim.Sessions} of {cookies.Length} sessions): {load.Successes} acknowledged, " +
                $"{load.Errors.Count} errors ({Describe(load)}); the last failing request was sent {recovered.TotalSeconds:F1} s after the kill; " +
                $"the slowest failure took {slowest.TotalSeconds:F1} s");
        }
        finally
        {
            await farm.RunAsync($"restart-silo {victim.Silo}", TimeSpan.FromMinutes(2));
        }
    }

    /// <summary>The silo (1-3) hosting most of the sessions, as the demo page reports each session's silo.</summary>
    private async Task<(int Silo, int Sessions)> MostUsedSiloAsync(string[] cookies)
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

        var most = silos.GroupBy(s => s).MaxBy(g => g.Count())!;
        return (most.Key, most.Count());
    }

    [Fact]
    public async Task A_rolling_restart_of_every_silo_under_write_load_loses_nothing()
    {
        var load = new CounterLoad(_nginx, await CounterLoad.CreateSessionsAsync(_nginx, 64));

        await load.RunAsync(workers: 16, duration: TimeSpan.FromSeconds(20), actionAt: TimeSpan.FromSeconds(3), during: async () =>
        {
            for (var silo = 1; silo <= 3; silo++)
            {
                await farm.RunAsync($"stop-silo {silo}", TimeSpan.FromMinutes(1));
                await farm.RunAsync($"restart-silo {silo}", TimeSpan.FromMinutes(2));
            }
        });

        await AssertNothingLostAsync(load, "rolling restart");
        output.WriteLine($"rolling restart: {load.Successes} acknowledged, {load.Errors.Count} errors ({Describe(load)})");
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

    /// <summary>Every session holds at least every acknowledged increment, and at most those plus the failed attempts.</summary>
    private async Task AssertNothingLostAsync(CounterLoad load, string what)
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
            Assert.InRange(stored, acknowledged, acknowledged + load.Failed.GetValueOrDefault(cookie));
            over += stored - acknowledged;
        }

        output.WriteLine($"{what}: {load.Acknowledged.Count} sessions, stored == acknowledged for all but {over} increment(s) applied without an acknowledgement");
    }

    private static string Describe(CounterLoad load) => string.Join(", ", load.Errors.GroupBy(e => e.What).Select(g => $"{g.Key} x{g.Count()}"));

    public void Dispose() => _nginx.Dispose();
}
