using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SessionGrains.Silo;
using SessionGrains.Testing;
using SessionGrains.Tests.Shared;
using SessionGrains.Web;

namespace SessionGrains.DeployTests;

/// <summary>
/// The demo's and the silo host's /metrics over real HTTP, scraped as Prometheus would: absent unless configured, then
/// SessionGrains', Orleans' and ASP.NET Core's instruments in Prometheus' names, and never a session ID.
/// </summary>
public sealed class HostTelemetryTests
{
    private static readonly Dictionary<string, string?> Prometheus = new() { ["Telemetry:PrometheusPath"] = "/metrics" };

    [Fact]
    public async Task The_demo_serves_its_session_metrics_to_a_Prometheus_scraper_without_a_session_id()
    {
        await using var demo = await StartDemoAsync(Prometheus);
        using var client = new HttpClient { BaseAddress = demo.Address };
        var counted = await client.PostAsync("/counter/atomic", null);
        var id = new SignedSessionCookies(demo.App.Services).SessionIdOf(counted);
        Assert.NotNull(id);
        await client.PostAsync("/counter/atomic", null); // the first created the session holding 1; this one increments in the grain
        await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/counter") { Headers = { { "Cookie", "connect.sid=s%3Abad.signature" } } });

        var metrics = await ScrapeAsync(client);

        Assert.Contains("sessiongrains_sessions_created_total", metrics);
        Assert.Contains("sessiongrains_sessions_active", metrics); // the co-hosted silo's active sessions
        Assert.Contains("sessiongrains_store_call_duration_seconds_bucket{", metrics);
        Assert.Contains("sessiongrains_operation=\"increment\"", metrics);
        Assert.Contains("sessiongrains_cookies_rejected_total{", metrics);
        Assert.Contains("http_server_request_duration_seconds_bucket{", metrics); // ASP.NET Core's meter
        Assert.Contains("orleans_", metrics); // Orleans' meter
        Assert.DoesNotContain(id, metrics);
    }

    [Fact]
    public async Task The_silo_host_serves_its_metrics_when_configured()
    {
        await using var silo = await StartSiloAsync(Prometheus);
        using var client = new HttpClient { BaseAddress = silo.Address };

        var metrics = await ScrapeAsync(client);

        Assert.Contains("sessiongrains_sessions_active", metrics);
        Assert.Contains("orleans_", metrics);
    }

    [Fact]
    public async Task Unconfigured_neither_host_serves_metrics()
    {
        await using var demo = await StartDemoAsync(new());
        await using var silo = await StartSiloAsync(new());
        using var demoClient = new HttpClient { BaseAddress = demo.Address };
        using var siloClient = new HttpClient { BaseAddress = silo.Address };

        Assert.Equal(HttpStatusCode.NotFound, (await demoClient.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await siloClient.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task A_metrics_path_that_is_not_a_path_stops_the_host_from_starting_and_names_the_key()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var _ = await StartSiloAsync(new() { ["Telemetry:PrometheusPath"] = "metrics" });
        });

        Assert.Contains("Telemetry:PrometheusPath", failure.Message);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<KestrelTestApp> StartDemoAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        settings["Session:Secrets:0"] = "metrics test secret, long enough for the validator " + Guid.NewGuid();
        builder.Configuration.AddInMemoryCollection(LoopbackHostConfiguration.Create("metrics-demo", settings));
        return await KestrelTestApp.StartAsync(builder.ConfigureDemo().Build().UseDemo());
    }

    private static async Task<KestrelTestApp> StartSiloAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Configuration.AddInMemoryCollection(LoopbackHostConfiguration.Create("metrics-silo", settings));
        return await KestrelTestApp.StartAsync(builder.ConfigureSilo().Build().MapSiloEndpoints());
    }
}
