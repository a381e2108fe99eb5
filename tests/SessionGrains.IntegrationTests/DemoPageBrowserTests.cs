using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SessionGrains.TestSupport;
using SessionGrains.Web;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The demo's page in real Chromium (Debian's, never a downloaded one), the demo on Kestrel with its co-hosted silo: two
/// browsers log in as one user, one revokes the other from "Your sessions", and the revoked one is logged out on its
/// next page view, as is every other one after "Log out everywhere else". The session cookie stays out of script and the
/// page never shows a session ID, its own or another's.
/// </summary>
public sealed class DemoPageBrowserTests : IAsyncLifetime
{
    private WebApplication _demo = null!;
    private string _url = null!;

    [Fact]
    public async Task A_session_revoked_from_another_browser_is_logged_out_on_its_next_page_view()
    {
        var (playwright, browser) = await TestChromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var laptop = await browser.NewContextAsync(new() { UserAgent = "Laptop/1.0" });
        await using var phone = await browser.NewContextAsync(new() { UserAgent = "Phone/2.0" });
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
        var (playwright, browser) = await TestChromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var laptop = await browser.NewContextAsync();
        await using var phone = await browser.NewContextAsync();
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
        var (playwright, browser) = await TestChromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var context = await browser.NewContextAsync();
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
        var (silo, gateway) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:SiloPort"] = $"{silo}",
            ["Cluster:PrimarySiloPort"] = $"{silo}",
            ["Cluster:GatewayPort"] = $"{gateway}",
            ["Cluster:ClusterId"] = "browser-" + Guid.NewGuid().ToString("N")[..8],
            ["Session:Secrets:0"] = "browser test secret, long enough for the validator " + Guid.NewGuid(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _demo = builder.ConfigureDemo().Build().UseDemo();
        await _demo.StartAsync();
        _url = _demo.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/";
    }

    public async Task DisposeAsync()
    {
        await _demo.StopAsync();
        await _demo.DisposeAsync();
    }
}
