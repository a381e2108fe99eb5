using System.Net;
using Microsoft.Playwright;
using SessionGrains.Tests.Browser;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The mixed farm of deploy/local/farm.sh: the express front end (deploy/local/express, express-session on
/// connect-sessiongrains) under /express/ and the ASP.NET demo, behind one nginx on one cookie. One cookie jar moves
/// between them and sees one session: the counter and the login cross in both directions, in Chromium and over plain
/// HTTP. The session API is served on nginx's internal port only, and express keeps working when a front end dies.
/// </summary>
[Collection(LocalFarmCollection.Name)]
public sealed class ExpressFarmTests(LocalFarm farm)
{
    [Fact]
    public async Task One_browser_sees_one_session_on_the_ASP_NET_and_express_pages()
    {
        var (playwright, browser) = await TestChromium.LaunchAsync();
        try
        {
            await using var context = await browser.NewContextAsync();
            context.SetDefaultTimeout(30_000);
            var page = await context.NewPageAsync();
            var aspNet = farm.Nginx.ToString();
            var express = new Uri(farm.Nginx, "/express/").ToString();
            var user = "ada-" + Guid.NewGuid().ToString("N")[..6];
            var other = "bob-" + Guid.NewGuid().ToString("N")[..6];

            // Count on ASP.NET, see it on express; count on express (both buttons), see it on ASP.NET.
            await page.GotoAsync(aspNet);
            await Click(page, "+1 (atomic in the grain)");
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("1");
            await Click(page, "+1 (read-modify-write)");
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("2");
            await page.GotoAsync(express);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("SessionGrains demo (express)");
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("2");
            await Click(page, "+1 (read-modify-write)");
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("3");
            await Click(page, "+1 (atomic in the grain)");
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("4");
            await page.GotoAsync(aspNet);
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("4");
            Assert.Single(await context.CookiesAsync(), c => c.Name == "connect.sid"); // one cookie throughout

            // Log in on express: logged in on ASP.NET, with the session listed under the user, and the count kept.
            await page.GotoAsync(express);
            await LogInAsync(page, user);
            await Assertions.Expect(page.Locator("#bound")).ToHaveTextAsync(user);
            await page.GotoAsync(aspNet);
            await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync(user);
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("4");
            await Assertions.Expect(page.Locator("#sessions li")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#sessions li")).ToContainTextAsync("this session");

            // Log out on ASP.NET: logged out on express.
            await Click(page, "Log out", exact: true);
            await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("not logged in");
            await page.GotoAsync(express);
            await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("not logged in");
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("0");

            // Log in on ASP.NET: logged in on express, bound to the user; log out on express: logged out on ASP.NET.
            await page.GotoAsync(aspNet);
            await LogInAsync(page, other);
            await Click(page, "+1 (atomic in the grain)");
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("1");
            await page.GotoAsync(express);
            await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync(other);
            await Assertions.Expect(page.Locator("#bound")).ToHaveTextAsync(other);
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("1");
            await Click(page, "Log out", exact: true);
            await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("not logged in");
            await page.GotoAsync(aspNet);
            await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("not logged in");
            await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("0");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task Counters_and_logins_cross_both_ways_over_HTTP_with_one_cookie_jar()
    {
        using var client = CookieClient(farm.Nginx);
        var user = "hopper-" + Guid.NewGuid().ToString("N")[..6];

        Assert.Equal("1", await PostAsync(client, "/counter/atomic"));
        Assert.Equal("2", await PostAsync(client, "/express/counter/atomic"));
        Assert.Equal("3", await PostAsync(client, "/counter"));
        Assert.Equal("4", await PostAsync(client, "/express/counter"));
        Assert.Equal("4", await client.GetStringAsync("/counter"));
        Assert.Equal("4", await client.GetStringAsync("/express/counter"));

        // Interleaved atomic increments from both sides, in parallel, all count.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => PostAsync(client, i % 2 == 0 ? "/counter/atomic" : "/express/counter/atomic")));
        Assert.Equal("24", await client.GetStringAsync("/counter"));
        Assert.Equal("24", await client.GetStringAsync("/express/counter"));

        Assert.Equal(user, await PostAsync(client, "/express/login?user=" + user));
        Assert.Equal(user, await client.GetStringAsync("/me"));
        Assert.Equal(user, await client.GetStringAsync("/express/me"));
        Assert.Contains("\"current\":true", await client.GetStringAsync("/me/sessions"));
        Assert.Equal("24", await client.GetStringAsync("/counter"));

        using var logout = await client.PostAsync("/express/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/express/me")).StatusCode);
    }

    [Fact]
    public async Task A_login_on_ASP_NET_stays_bound_for_express_after_an_increment_on_the_same_front_end()
    {
        // Front end 1 only: its read cache holds the session after the login, and the increment updates that copy.
        var jar = new CookieContainer();
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, CookieContainer = jar }) { BaseAddress = farm.FrontEnd(1) };
        var user = "turing-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(user, await PostAsync(client, "/login?user=" + user));
        Assert.Equal("1", await PostAsync(client, "/counter/atomic"));

        // What the express front end's store loads (GET /session-store/sessions/{id}) through the same front end.
        var signed = Uri.UnescapeDataString(Assert.Single(jar.GetAllCookies(), c => c.Name == "connect.sid").Value); // "s:" + id + "." + signature
        using var api = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = farm.FrontEnd(1) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", farm.StoreApiToken);
        using var loaded = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/session-store/sessions/{Uri.EscapeDataString(signed[2..signed.LastIndexOf('.')])}"));

        Assert.Equal("1", loaded.RootElement.GetProperty("values").GetProperty("count").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, loaded.RootElement.GetProperty("user").ValueKind);
        Assert.Equal(user, loaded.RootElement.GetProperty("user").GetProperty("userId").GetString());
    }

    [Fact]
    public async Task The_session_API_is_served_on_the_internal_port_only()
    {
        using var client = FarmLoadChecks.Client(farm.Nginx);
        using var api = FarmLoadChecks.Client(farm.StoreApi);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/session-store/users/x/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/session-store")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/session-store/users/x/sessions")).StatusCode); // no token
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/")).StatusCode); // nothing else there
    }

    [Fact]
    public async Task Express_keeps_its_sessions_when_a_front_end_dies()
    {
        using var client = CookieClient(farm.Nginx);
        Assert.Equal("1", await PostAsync(client, "/express/counter/atomic"));
        await farm.RunAsync("kill-web 1", TimeSpan.FromSeconds(30));
        try
        {
            for (var n = 2; n <= 11; n++)
            {
                Assert.Equal($"{n}", await PostAsync(client, "/express/counter/atomic"));
            }

            Assert.Equal("11", await client.GetStringAsync("/counter"));
        }
        finally
        {
            await farm.RunAsync("restart-web 1", TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public async Task Restarting_the_express_front_end_keeps_its_sessions()
    {
        using var client = CookieClient(farm.Nginx);
        Assert.Equal("1", await PostAsync(client, "/express/counter"));
        await farm.RunAsync("restart-express", TimeSpan.FromMinutes(1));
        Assert.Equal("2", await PostAsync(client, "/express/counter"));
        Assert.Equal("2", await client.GetStringAsync("/counter"));
    }

    private static async Task Click(IPage page, string button, bool exact = false)
        => await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = exact }).ClickAsync();

    private static async Task LogInAsync(IPage page, string user)
    {
        await page.FillAsync("input[name=user]", user);
        await Click(page, "Log in");
        await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync(user);
    }

    private static HttpClient CookieClient(Uri baseAddress)
        => new(new SocketsHttpHandler { UseProxy = false, CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(40) };

    private static async Task<string> PostAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsync(path, null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {body}");
        return body;
    }
}
