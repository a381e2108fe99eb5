using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// Cookie authentication with its tickets in session grains (<c>AddGrainTicketStore</c>), Identity-style: the
/// application scheme, a principal with NameIdentifier and Name claims. The login is real only while its grain lives.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class GrainTicketStoreTests(FrontEndCluster cluster)
{
    private const string Scheme = "Identity.Application"; // IdentityConstants.ApplicationScheme
    private const string CookieName = "auth";
    private const string SessionKeyClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    [Fact]
    public async Task A_sign_in_keeps_the_ticket_server_side_and_the_cookie_carries_only_its_key()
    {
        await using var app = await StartAsync();
        var user = NewUser();
        var cookie = await SignInAsync(app, user, roles: 30);

        var key = KeyOf(app, cookie, out var cookieClaims);
        var record = await cluster.ReadStoredRecordAsync(key);

        Assert.Equal(user, await WhoAmIAsync(app, cookie));
        Assert.Equal(1, cookieClaims); // the ticket's 32 claims stay in the grain
        Assert.NotNull(record);
        Assert.Equal(32, TicketSerializer.Default.Deserialize(record.Data[GrainTicketStore.TicketKey])!.Principal.Claims.Count());
        Assert.Equal(TimeSpan.FromMinutes(30), record.IdleTimeout); // the ticket's lifetime (ExpireTimeSpan)
        Assert.Equal(user, record.User?.UserId);
        Assert.Equal("Browser/1.0", Assert.Single(await ListAsync(app, user)).Device?.UserAgent);
    }

    [Fact]
    public async Task Signing_out_deletes_the_ticket_so_a_copied_cookie_no_longer_authenticates()
    {
        await using var app = await StartAsync();
        var user = NewUser();
        var cookie = await SignInAsync(app, user);
        var key = KeyOf(app, cookie, out _);

        var signOut = await app.PostAsync("/signout", cookie);

        Assert.Equal(HttpStatusCode.OK, signOut.StatusCode);
        Assert.Null(await cluster.ReadStoredRecordAsync(key));
        Assert.Empty(await ListAsync(app, user));
        Assert.Null(await WhoAmIAsync(app, cookie)); // the cookie replayed after sign-out
    }

    [Fact]
    public async Task Revoking_a_login_from_the_users_list_logs_that_device_out_and_no_other()
    {
        await using var app = await StartAsync();
        var user = NewUser();
        var laptop = await SignInAsync(app, user, userAgent: "Laptop/1.0");
        var phone = await SignInAsync(app, user, userAgent: "Phone/2.0");
        var manager = app.Services.GetRequiredService<UserSessionManager>();
        var sessions = await ListAsync(app, user);

        Assert.Equal(["Laptop/1.0", "Phone/2.0"], sessions.Select(s => s.Device?.UserAgent));
        Assert.True(await manager.RevokeAsync(user, sessions[0].Handle));

        Assert.Null(await WhoAmIAsync(app, laptop));
        Assert.Null(await cluster.ReadStoredRecordAsync(KeyOf(app, laptop, out _)));
        Assert.Equal(user, await WhoAmIAsync(app, phone));
        Assert.Equal(1, await manager.RevokeAllAsync(user));
        Assert.Null(await WhoAmIAsync(app, phone));
    }

    [Fact]
    public async Task An_expired_ticket_is_not_accepted_and_its_record_is_deleted()
    {
        await using var app = await StartAsync(cookie => cookie.SlidingExpiration = false);
        var cookie = await SignInAsync(app, NewUser());
        var key = KeyOf(app, cookie, out _);
        var store = app.Services.GetRequiredService<GrainTicketStore>();

        app.Clock.Advance(TimeSpan.FromMinutes(31)); // the front end's clock: past ExpiresUtc, the grain still live

        Assert.NotNull(await cluster.ReadStoredRecordAsync(key));
        Assert.Null(await WhoAmIAsync(app, cookie));
        Assert.Null(await cluster.ReadStoredRecordAsync(key)); // deleted, not left to its idle expiry
        Assert.Null(await store.RetrieveAsync(key));
    }

    [Fact]
    public async Task Sliding_expiration_renews_the_stored_ticket_past_its_first_expiry()
    {
        await using var app = await StartAsync();
        var user = NewUser();
        var cookie = await SignInAsync(app, user);
        var key = KeyOf(app, cookie, out _);
        var store = app.Services.GetRequiredService<GrainTicketStore>();
        var firstExpiry = (await store.RetrieveAsync(key))!.Properties.ExpiresUtc;

        Advance(app, TimeSpan.FromMinutes(20)); // past half the lifetime: the handler renews
        var renewed = await app.GetAsync("/whoami", cookie);
        Advance(app, TimeSpan.FromMinutes(20)); // 40 minutes after sign-in, 20 after the renewal

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.NotEmpty(TestApp.SetCookies(renewed, CookieName)); // a renewed cookie, with the same key
        Assert.Equal(key, KeyOf(app, TestApp.CookieToSend(renewed, CookieName), out _));
        Assert.Equal(firstExpiry + TimeSpan.FromMinutes(20), (await store.RetrieveAsync(key))!.Properties.ExpiresUtc);
        Assert.Equal(user, await WhoAmIAsync(app, cookie));
    }

    [Fact]
    public async Task Renewing_an_ended_ticket_stores_nothing()
    {
        await using var app = await StartAsync();
        var store = app.Services.GetRequiredService<GrainTicketStore>();
        var key = SessionIdGenerator.NewId();
        var ticket = new AuthenticationTicket(Principal(NewUser(), 0), Scheme);

        await store.RenewAsync(key, ticket);

        Assert.Null(await cluster.ReadStoredRecordAsync(key));
        Assert.Null(await store.RetrieveAsync(key));
    }

    [Fact]
    public async Task When_the_limit_refuses_new_logins_the_sign_in_fails_with_409_and_stores_no_ticket()
    {
        await using var app = await StartAsync(configure: o =>
        {
            o.Users.MaxSessionsPerUser = 1;
            o.Users.WhenLimitReached = UserSessionLimitPolicy.RefuseNewSession;
        });
        var user = NewUser();
        var first = await SignInAsync(app, user);

        var refused = await app.PostAsync($"/signin?user={user}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("limit reached", await refused.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(refused, CookieName));
        Assert.Single(await ListAsync(app, user));
        Assert.Equal(user, await WhoAmIAsync(app, first));
    }

    [Fact]
    public async Task A_principal_without_a_user_id_is_stored_unbound_and_still_signs_out()
    {
        await using var app = await StartAsync();
        var cookie = await SignInAsync(app, "", roles: 0);
        var key = KeyOf(app, cookie, out _);

        Assert.Null((await cluster.ReadStoredRecordAsync(key))?.User);
        Assert.Equal("anonymous-name", await WhoAmIAsync(app, cookie));
        await app.PostAsync("/signout", cookie);
        Assert.Null(await cluster.ReadStoredRecordAsync(key));
    }

    private void Advance(TestApp app, TimeSpan by)
    {
        app.Clock.Advance(by);
        cluster.Silo.Clock.Advance(by);
    }

    private Task<TestApp> StartAsync(Action<CookieAuthenticationOptions>? cookie = null, Action<SessionFrontEndOptions>? configure = null)
        => TestApp.StartAsync(
            cluster.Grains,
            configure,
            endpoints: MapEndpoints,
            beforeSessions: app => app.UseAuthentication(),
            services: services => services.AddAuthentication(Scheme)
                .AddCookie(Scheme, o =>
                {
                    o.Cookie.Name = CookieName;
                    o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                    cookie?.Invoke(o);
                })
                .AddGrainTicketStore(Scheme));

    private static void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapPost("/signin", async (HttpContext c, string? user, int? roles) =>
        {
            await c.SignInAsync(Scheme, Principal(user ?? "", roles ?? 0), new AuthenticationProperties { IsPersistent = true });
            return "signed in";
        });
        app.MapPost("/signout", async (HttpContext c) => { await c.SignOutAsync(Scheme); return "signed out"; });
        app.MapGet("/whoami", (HttpContext c) => c.User.Identity?.IsAuthenticated == true ? Results.Text(c.User.Identity.Name) : Results.Unauthorized());
    }

    private static ClaimsPrincipal Principal(string user, int roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user.Length > 0 ? user : "anonymous-name") };
        if (user.Length > 0)
        {
            claims.Add(new(ClaimTypes.NameIdentifier, user));
        }

        claims.AddRange(Enumerable.Range(0, roles).Select(i => new Claim(ClaimTypes.Role, $"role-{i}-with-a-long-descriptive-name")));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, IdentityConstants.ApplicationScheme));
    }

    private static async Task<string> SignInAsync(TestApp app, string user, int roles = 0, string userAgent = "Browser/1.0")
    {
        var response = await app.PostAsync($"/signin?user={user}&roles={roles}", configure: r => r.Headers.UserAgent.ParseAdd(userAgent));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return TestApp.CookieToSend(response, CookieName);
    }

    private static async Task<string?> WhoAmIAsync(TestApp app, string cookie)
    {
        var response = await app.GetAsync("/whoami", cookie);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
    }

    /// <summary>The ticket's key inside the protected cookie, and how many claims the cookie itself carries.</summary>
    private static string KeyOf(TestApp app, string cookie, out int cookieClaims)
    {
        var format = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(Scheme).TicketDataFormat;
        var ticket = format.Unprotect(Uri.UnescapeDataString(cookie[(cookie.IndexOf('=') + 1)..]));
        Assert.NotNull(ticket);
        cookieClaims = ticket.Principal.Claims.Count();
        return ticket.Principal.FindFirst(SessionKeyClaim)!.Value;
    }

    private static Task<IReadOnlyList<UserSessionInfo>> ListAsync(TestApp app, string user)
        => app.Services.GetRequiredService<UserSessionManager>().ListAsync(user);

    private static string NewUser() => $"ticket-user-{Guid.NewGuid():N}";
}
