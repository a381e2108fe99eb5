using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using SessionGrains.Tests.Shared;
using SessionGrains.Tests.Browser;
using SessionGrains.Web;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The demo's page in real Chromium (Debian's, never a downloaded one), the demo on Kestrel with its co-hosted silo: the
/// counter, the front end and silo the page names, and logging out. Two browsers log in as one user, one revokes the
/// other from "Your sessions", and the revoked one is logged out on its next page view, as is every other one after
/// "Log out everywhere else". The session cookie stays out of script and the page never shows a session ID.
/// </summary>
public sealed class DemoPageBrowserTests : IAsyncLifetime
{
    private KestrelTestApp _demo = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _url = null!;

    [Fact]
    public async Task The_counter_counts_with_both_buttons_and_the_page_names_its_front_end_and_silo()
    {
        await using var context = await _browser.NewContextAsync();
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_url);
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#silo")).ToHaveTextAsync("no grain");
        Assert.Empty(await context.CookiesAsync()); // a page view alone creates no session

        await page.GetByRole(AriaRole.Button, new() { Name = "+1 (read-modify-write)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "+1 (atomic in the grain)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("2");
        await page.ReloadAsync();

        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#front-end")).ToHaveTextAsync($"{Environment.MachineName} (process {Environment.ProcessId})");
        await Assertions.Expect(page.Locator("#silo")).ToContainTextAsync("127.0.0.1:"); // the co-hosted silo's address
    }

    [Fact]
    public async Task Logging_out_ends_the_session_the_browser_forgets_its_cookie_and_a_replayed_copy_is_not_logged_in()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await LogInAsync(context, "lovelace");
        await page.GetByRole(AriaRole.Button, new() { Name = "+1 (atomic in the grain)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("1");
        var loggedIn = Assert.Single(await context.CookiesAsync(), c => c.Name == "connect.sid");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("not logged in");
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#session")).ToHaveTextAsync("none yet");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "connect.sid");

        await context.AddCookiesAsync([new() { Name = loggedIn.Name, Value = loggedIn.Value, Domain = loggedIn.Domain, Path = loggedIn.Path }]);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("not logged in");
        await Assertions.Expect(page.Locator("#count")).ToHaveTextAsync("0");
    }

    [Fact]
    public async Task A_session_revoked_from_another_browser_is_logged_out_on_its_next_page_view()
    {
        await using var laptop = await _browser.NewContextAsync(new() { UserAgent = "Laptop/1.0" });
        await using var phone = await _browser.NewContextAsync(new() { UserAgent = "Phone/2.0" });
        var user = "ada-" + Guid.NewGuid().ToString("N")[..6];
        var laptopPage = await LogInAsync(laptop, user);
        var phonePage = await LogInAsync(phone, user);

        await laptopPage.ReloadAsync();
        var rows = laptopPage.Locator("#sessions li");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Filter(new() { HasText = "Laptop/1.0" })).ToContainTextAsync("this session");
        var phoneRow = rows.Filter(new() { HasText = "Phone/2.0" });
        await phoneRow.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Assertions.Expect(laptopPage.Locator("#sessions li")).ToHaveCountAsync(1);
        await phonePage.ReloadAsync();
        await Assertions.Expect(phonePage.Locator("#user")).ToHaveTextAsync("not logged in");
        Assert.Equal(401, await phonePage.EvaluateAsync<int>("async () => (await fetch('/me/sessions')).status"));
        await Assertions.Expect(laptopPage.Locator("#user")).ToHaveTextAsync(user); // the revoker stays logged in
    }

    [Fact]
    public async Task Log_out_everywhere_else_logs_out_the_other_browser_and_keeps_this_one()
    {
        await using var laptop = await _browser.NewContextAsync();
        await using var phone = await _browser.NewContextAsync();
        var laptopPage = await LogInAsync(laptop, "hopper");
        var phonePage = await LogInAsync(phone, "hopper");

        await laptopPage.ReloadAsync();
        await Assertions.Expect(laptopPage.Locator("#sessions li")).ToHaveCountAsync(2);
        Assert.DoesNotContain(await SessionIdAsync(phone), await laptopPage.ContentAsync()); // the other row is a handle
        await laptopPage.GetByRole(AriaRole.Button, new() { Name = "Log out everywhere else" }).ClickAsync();

        await Assertions.Expect(laptopPage.Locator("#sessions li")).ToHaveCountAsync(1);
        await Assertions.Expect(laptopPage.Locator("#sessions li")).ToContainTextAsync("this session");
        await phonePage.ReloadAsync();
        await Assertions.Expect(phonePage.Locator("#user")).ToHaveTextAsync("not logged in");
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_and_Lax_and_its_id_is_nowhere_on_the_page()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await LogInAsync(context, "grace");

        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "connect.sid");
        var id = await SessionIdAsync(context);

        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.DoesNotContain("connect.sid", await page.EvaluateAsync<string>("document.cookie"));
        Assert.DoesNotContain(id, await page.ContentAsync());
        Assert.DoesNotContain(id, await page.EvaluateAsync<string>("async () => await (await fetch('/me/sessions')).text()"));
    }

    private static async Task<string> SessionIdAsync(IBrowserContext context)
    {
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "connect.sid");
        var signed = Uri.UnescapeDataString(cookie.Value); // "s:" + id + "." + signature
        return signed[2..signed.LastIndexOf('.')];
    }

    private async Task<IPage> LogInAsync(IBrowserContext context, string user)
    {
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_url);
        await page.FillAsync("input[name=user]", user);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync(user);
        return page;
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Configuration.AddInMemoryCollection(LoopbackHostConfiguration.Create("browser", new Dictionary<string, string?>
        {
            ["Session:Secrets:0"] = "browser test secret, long enough for the validator " + Guid.NewGuid(),
        }));
        _demo = await KestrelTestApp.StartAsync(builder.ConfigureDemo().Build().UseDemo());
        _url = _demo.Address.ToString();
        (_playwright, _browser) = await TestChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _demo.DisposeAsync();
    }
}
