using System.Net;
using System.Text.RegularExpressions;
using SessionGrains.Tests.Shared;
using SessionGrains.Web;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// Data Protection through the cluster on the farm, whose two front ends are separate processes with home folders of
/// their own (no shared file-system key ring): the demo's PersistKeysToSessionGrains gives them one key ring in the
/// silos' storage. A login cookie (cookie authentication with AddGrainTicketStore) and an antiforgery token made by one
/// are accepted by the other, and still after both restart; neither writes a key file.
/// </summary>
[Collection(LocalFarmCollection.Name)]
public sealed partial class DataProtectionFarmTests(LocalFarm farm) : IDisposable
{
    private readonly HttpClient _web1 = FarmLoadChecks.Client(farm.FrontEnd(1));
    private readonly HttpClient _web2 = FarmLoadChecks.Client(farm.FrontEnd(2));

    [Fact]
    public async Task A_login_cookie_and_an_antiforgery_token_made_by_one_front_end_are_accepted_by_the_other()
    {
        var form = await LoginFormAsync(_web1);

        var withoutToken = await PostLoginAsync(_web2, form with { Token = "" }, "ada");
        var login = await PostLoginAsync(_web2, form, "ada"); // web1's antiforgery token, checked by web2

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var auth = TestApp.CookieToSend(login, DemoAccountSetup.AuthenticationCookieName); // made by web2
        Assert.Equal("ada", await WhoIsSignedInAsync(_web1, auth));
        Assert.Equal("ada", await WhoIsSignedInAsync(_web2, auth));
        Assert.Null(await WhoIsSignedInAsync(_web1, Tampered(auth)));
        AssertNoKeyFiles();
    }

    [Fact]
    public async Task The_key_ring_used_before_both_front_ends_restart_is_the_one_both_use_after()
    {
        var login = await PostLoginAsync(_web1, await LoginFormAsync(_web2), "grace");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var auth = TestApp.CookieToSend(login, DemoAccountSetup.AuthenticationCookieName);
        var formFromBefore = await LoginFormAsync(_web1);

        await farm.RunAsync("restart-web 1 2", TimeSpan.FromMinutes(3));

        Assert.Equal("grace", await WhoIsSignedInAsync(_web2, auth));
        Assert.Equal("grace", await WhoIsSignedInAsync(_web1, auth));
        Assert.Equal(HttpStatusCode.OK, (await PostLoginAsync(_web2, formFromBefore, "grace")).StatusCode);
        AssertNoKeyFiles();
    }

    private void AssertNoKeyFiles()
    {
        foreach (var web in new[] { 1, 2 })
        {
            Assert.True(Directory.Exists(farm.FrontEndHome(web)), $"front end {web} runs with a home of its own");
            Assert.False(Directory.Exists(Path.Combine(farm.FrontEndHome(web), ".aspnet", "DataProtection-Keys")),
                $"front end {web} wrote a file-system key ring");
        }
    }

    /// <summary>The antiforgery cookie and the form's token of GET /account/login.</summary>
    private static async Task<LoginForm> LoginFormAsync(HttpClient web)
    {
        using var response = await web.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = TokenField().Match(await response.Content.ReadAsStringAsync());
        Assert.True(token.Success, "the form carries an antiforgery token");
        return new(TestApp.CookieToSend(response, DemoAccountSetup.AntiforgeryCookieName), WebUtility.HtmlDecode(token.Groups[1].Value));
    }

    private static async Task<HttpResponseMessage> PostLoginAsync(HttpClient web, LoginForm form, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Headers = { { "Cookie", form.Cookie } },
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = name, ["__RequestVerificationToken"] = form.Token }),
        };
        return await web.SendAsync(request);
    }

    /// <summary>GET /account with the cookie: the signed-in name, or null on 401.</summary>
    private static async Task<string?> WhoIsSignedInAsync(HttpClient web, string authCookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account") { Headers = { { "Cookie", authCookie } } };
        using var response = await web.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"GET /account answered {response.StatusCode}");
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
    }

    /// <summary>The cookie with one character of its protected payload changed.</summary>
    private static string Tampered(string cookie) => cookie[..^5] + (cookie[^5] == 'A' ? 'B' : 'A') + cookie[^4..];

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private sealed record LoginForm(string Cookie, string Token);

    public void Dispose()
    {
        _web1.Dispose();
        _web2.Dispose();
    }
}
