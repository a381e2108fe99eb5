using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using SessionGrains.Silo;
using SessionGrains.Tests.Shared;
using SessionGrains.Tests.Browser;

namespace SessionGrains.DeployTests;

/// <summary>
/// The silo host's Orleans Dashboard over real HTTP: absent unless enabled, refused without a strong password, and
/// served only with the configured credentials.
/// </summary>
public sealed class SiloDashboardTests
{
    private const string Password = "a long dashboard password for tests";

    [Fact]
    public async Task Enabled_the_dashboard_asks_for_its_credentials_and_serves_its_page_and_api_with_them()
    {
        await using var silo = await StartSiloAsync(dashboard: true, Password);
        using var client = new HttpClient { BaseAddress = silo.Address };

        var anonymous = await client.GetAsync("/dashboard/");
        var wrong = await client.SendAsync(WithCredentials("/dashboard/", "admin", Password + "x"));
        var page = await client.SendAsync(WithCredentials("/dashboard/", "admin", Password));
        var api = await client.SendAsync(WithCredentials("/dashboard/DashboardCounters", "admin", Password));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode); // health stays open
    }

    [Fact]
    public async Task The_dashboard_renders_in_Chromium_with_the_credentials()
    {
        await using var silo = await StartSiloAsync(dashboard: true, Password);
        var (playwright, browser) = await TestChromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var context = await browser.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = "admin", Password = Password },
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(new Uri(silo.Address, "/dashboard/").ToString());
        await page.GetByText("Active silos", new() { Exact = false }).WaitForAsync(new() { Timeout = 30_000 }); // the app's data arrived
        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });

        Assert.Equal(200, response?.Status);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot shows a rendered page");
    }

    [Fact]
    public async Task Off_by_default_there_is_no_dashboard()
    {
        await using var silo = await StartSiloAsync(dashboard: false, password: null);
        using var client = new HttpClient { BaseAddress = silo.Address };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/")).StatusCode);
    }

    [Fact]
    public async Task Enabled_without_a_strong_password_the_silo_does_not_start()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => { await using var _ = await StartSiloAsync(dashboard: true, "short"); });

        Assert.Contains("Dashboard:Password", failure.ToString());
    }

    private static HttpRequestMessage WithCredentials(string path, string user, string password) => new(HttpMethod.Get, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))) },
    };

    private static async Task<KestrelTestApp> StartSiloAsync(bool dashboard, string? password)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Configuration.AddInMemoryCollection(LoopbackHostConfiguration.Create("dashboard", new Dictionary<string, string?>
        {
            ["Dashboard:Enabled"] = dashboard ? "true" : "false",
            ["Dashboard:Password"] = password,
        }));
        return await KestrelTestApp.StartAsync(builder.ConfigureSilo().Build().MapSiloEndpoints());
    }
}
