using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;
using SessionGrains.Hosting;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>Cookie authentication tickets in session grains on Azure Table storage (Azurite): one row a login, none after.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TicketStorageTests(AzuriteServer azurite)
{
    private const string SessionKeyClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    [Fact]
    public async Task A_login_is_one_table_row_read_back_after_reactivation_and_signing_out_leaves_no_row()
    {
        await using var cluster = await DurableSessionCluster.StartAsync(
            new AzureSessionStore(azurite, GrainStorageProvider.AzureTable), new SessionTestSilo(), "tk-" + Guid.NewGuid().ToString("N")[..12]);
        await using var app = await StartAppAsync(cluster.Grains);
        var client = app.GetTestClient();
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];

        var cookie = await SignInAsync(client, user);
        var key = KeyOf(app, cookie);
        Assert.Equal(1, await cluster.CountRecordsAsync(key));
        Assert.Equal(1, await cluster.CountRecordsAsync(user)); // the user's index

        await cluster.Cluster.DeactivateAsync(cluster.Session(key));
        Assert.Equal(user, await WhoAmIAsync(client, cookie)); // the ticket read back from its row

        Assert.True((await client.SendAsync(Request(HttpMethod.Post, "/signout", cookie))).IsSuccessStatusCode);
        Assert.Null(await WhoAmIAsync(client, cookie));
        await SessionTestSilo.WaitUntilAsync(async () => await cluster.CountRecordsAsync(key) == 0
            && await cluster.CountRemindersAsync(key) == 0
            && await cluster.CountRecordsAsync(user) == 0
            && await cluster.CountRemindersAsync(user) == 0, "signing out leaves no ticket, index or reminder row");
    }

    private static async Task<WebApplication> StartAppAsync(IGrainFactory grains)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(grains);
        builder.Services.AddGrainSessions(o => o.Secrets = ["ticket storage test secret, long enough for the validator"]);
        builder.Services.AddAuthentication().AddCookie().AddGrainTicketStore();
        var app = builder.Build();
        app.UseAuthentication();
        app.MapPost("/signin", async (HttpContext c, string user) =>
        {
            var identity = new ClaimsIdentity([new(ClaimTypes.NameIdentifier, user), new(ClaimTypes.Name, user)], "test");
            await c.SignInAsync(new ClaimsPrincipal(identity));
            return "signed in";
        });
        app.MapPost("/signout", async (HttpContext c) => { await c.SignOutAsync(); return "signed out"; });
        app.MapGet("/whoami", (HttpContext c) => c.User.Identity?.IsAuthenticated == true ? Results.Text(c.User.Identity.Name) : Results.Unauthorized());
        await app.StartAsync();
        return app;
    }

    private static async Task<string> SignInAsync(HttpClient client, string user)
    {
        var response = await client.SendAsync(Request(HttpMethod.Post, $"/signin?user={user}", null));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        return setCookie[..setCookie.IndexOf(';')];
    }

    private static async Task<string?> WhoAmIAsync(HttpClient client, string cookie)
    {
        var response = await client.SendAsync(Request(HttpMethod.Get, "/whoami", cookie));
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? cookie)
    {
        var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }

    private static string KeyOf(WebApplication app, string cookie)
    {
        var format = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;
        var ticket = format.Unprotect(Uri.UnescapeDataString(cookie[(cookie.IndexOf('=') + 1)..]));
        return ticket!.Principal.FindFirst(SessionKeyClaim)!.Value;
    }
}
