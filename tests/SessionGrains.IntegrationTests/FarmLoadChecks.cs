using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>What the farm tests check of a farm under load, whatever its storage: where sessions live, and the bar a fault must pass.</summary>
public sealed class FarmLoadChecks(LocalFarm farm, ITestOutputHelper output) : IDisposable
{
    /// <summary>A client of the farm's nginx.</summary>
    public HttpClient Nginx { get; } = Client(farm.Nginx);

    /// <summary>A client that sends exactly the Cookie headers a test sets (no cookie container).</summary>
    public static HttpClient Client(Uri baseAddress)
        => new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(40) };

    /// <summary>The silo (1-3) hosting most of the sessions, as the demo page reports each session's silo, and those sessions.</summary>
    public async Task<(int Silo, string[] Cookies)> MostUsedSiloAsync(string[] cookies)
    {
        var silos = new List<int>();
        foreach (var cookie in cookies)
        {
            using var page = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "Cookie", cookie } } };
            var html = await (await Nginx.SendAsync(page)).Content.ReadAsStringAsync();
            var address = System.Text.RegularExpressions.Regex.Match(html, @"<dd id=""silo"">S127\.0\.0\.1:(\d+):");
            Assert.True(address.Success, "the demo page names the session's silo");
            silos.Add(int.Parse(address.Groups[1].Value, CultureInfo.InvariantCulture) - farm.FirstSiloPort + 1);
        }

        var most = silos.GroupBy(s => s).MaxBy(g => g.Count())!.Key;
        return (most, cookies.Where((_, i) => silos[i] == most).ToArray());
    }

    /// <summary>
    /// The issue's bar for a fault under load: no acknowledged increment lost, none applied twice (a session never holds
    /// more than acknowledged + failed), at most 0.1 % of requests (or <paramref name="maxFailed"/>) failed, none slower
    /// than 5 s. Prints the run's figures.
    /// </summary>
    public async Task AssertUnnoticedAsync(CounterLoad load, string what, string[] moved, int? maxFailed = null)
    {
        var over = await AssertNoAcknowledgedWriteLostAsync(load, what);
        var firstMoved = moved.Select(c => load.FirstSuccessAfterAction.GetValueOrDefault(c, TimeSpan.MaxValue)).DefaultIfEmpty(TimeSpan.MaxValue).ToArray();
        var sinceKill = (Min: firstMoved.Min() - load.ActionAt, Max: firstMoved.Max() - load.ActionAt);
        output.WriteLine($"{what}: {Describe(load, over)}" +
            (moved.Length == 0 ? "" : $", from the kill command to the first success on a moved session {Ms(sinceKill.Min)}, on every moved session {Ms(sinceKill.Max)}"));
        var allowed = maxFailed ?? load.Requests / 1000;
        Assert.True(load.Errors.Count <= allowed, $"{what}: {load.Errors.Count} of {load.Requests} requests failed, more than {allowed} ({Failures(load)})");
        Assert.True(load.Percentile(1) <= TimeSpan.FromSeconds(5), $"{what}: the slowest request took {Ms(load.Percentile(1))}");
    }

    /// <summary>
    /// Reads every session of the load through nginx: none lost an acknowledged increment, and none holds more than its
    /// acknowledged + failed ones (nothing applied twice). Returns how many failed increments were applied.
    /// </summary>
    public async Task<int> AssertNoAcknowledgedWriteLostAsync(CounterLoad load, string what)
    {
        var over = 0;
        foreach (var (cookie, acknowledged) in load.Acknowledged)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, "/counter") { Headers = { { "Cookie", cookie } } };
            using var response = await Nginx.SendAsync(read);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Fail($"{what}: reading a session after the load answered {response.StatusCode}.\n{await farm.DiagnoseAsync()}");
            }

            var stored = int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
            Assert.True(stored >= acknowledged, $"{what}: a session lost acknowledged increments ({stored} stored, {acknowledged} acknowledged)");
            var failed = load.Failed.GetValueOrDefault(cookie);
            if (stored > acknowledged + failed)
            {
                Assert.Fail($"{what}: an increment was applied twice ({stored} stored, {acknowledged} acknowledged, {failed} failed; " +
                    $"the load's failures: {Failures(load)})\n{await farm.DiagnoseAsync(silos: true)}");
            }

            over += stored - acknowledged;
        }

        return over;
    }

    /// <summary>The load's requests, failures, latencies, and how many failed increments were applied.</summary>
    public static string Describe(CounterLoad load, int over)
        => $"{load.Requests} requests, {load.Errors.Count} failed ({Failures(load)}), " +
            $"latency p50 {Ms(load.Percentile(0.5))} p99 {Ms(load.Percentile(0.99))} max {Ms(load.Percentile(1))}, " +
            $"{over} applied without an acknowledgement (of failed requests)";

    public static string Ms(TimeSpan t) => t == TimeSpan.MaxValue || t < TimeSpan.Zero ? "n/a" : $"{t.TotalMilliseconds:F0} ms";

    private static string Failures(CounterLoad load) => string.Join(", ", load.Errors.GroupBy(e => e.What).Select(g => $"{g.Key} x{g.Count()}"));

    /// <summary>Creates a session and increments it through front end 1, then reads its counter through front end 2.</summary>
    public async Task<string> CounterReadThroughTheOtherFrontEndAsync()
    {
        using var a = Client(farm.FrontEnd(1));
        using var b = Client(farm.FrontEnd(2));
        var cookie = (await CounterLoad.CreateSessionsAsync(a, 1))[0];
        using var increment = new HttpRequestMessage(HttpMethod.Post, "/counter/atomic") { Headers = { { "Cookie", cookie } } };
        await a.SendAsync(increment);

        using var read = new HttpRequestMessage(HttpMethod.Get, "/counter") { Headers = { { "Cookie", cookie } } };
        return await (await b.SendAsync(read)).Content.ReadAsStringAsync();
    }

    public void Dispose() => Nginx.Dispose();
}
