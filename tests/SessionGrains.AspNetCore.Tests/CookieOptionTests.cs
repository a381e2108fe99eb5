using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SameSiteMode = Microsoft.Net.Http.Headers.SameSiteMode;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>The cookie and option surface of the middleware: Proxy, Secure, SameSite, Path, Name, cookie attributes, binding, validation, IdGenerator.</summary>
[Collection(FrontEndCollection.Name)]
public sealed class CookieOptionTests(FrontEndCluster cluster)
{
    private const string SetPath = "/set?key=k&value=v";

    private static string Https(string path) => "https://localhost" + path;

    private static Action<HttpRequestMessage> ForwardedProto(params string[] values)
        => request => request.Headers.Add("X-Forwarded-Proto", values);

    /// <summary>Kestrel sets ITlsConnectionFeature on a direct TLS connection; TestServer does not, so this stands in for it on https:// requests.</summary>
    private static void DirectTlsOnHttps(IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.IsHttps)
        {
            context.Features.Set<ITlsConnectionFeature>(new TlsConnectionFeature());
        }

        return next(context);
    });

    private static string RawSetCookie(HttpResponseMessage response)
        => Assert.Single(response.Headers.GetValues(HeaderNames.SetCookie));

    private static bool HasAttribute(string rawSetCookie, string attribute)
        => Regex.IsMatch(rawSetCookie, $@"(^|;)\s*{Regex.Escape(attribute)}\s*(;|$)", RegexOptions.IgnoreCase);

    // ---- Proxy ----

    [Fact]
    public async Task Proxy_unset_makes_an_auto_cookie_secure_only_when_the_request_is_https()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.Secure = SessionCookieSecure.Auto);

        var overHttps = await app.PostAsync(Https(SetPath));
        var overHttp = await app.PostAsync(SetPath);
        var forwardedOnly = await app.PostAsync(SetPath, configure: ForwardedProto("https"));

        Assert.True(Assert.Single(TestApp.SetCookies(overHttps)).Secure);
        Assert.False(Assert.Single(TestApp.SetCookies(overHttp)).Secure);
        Assert.False(Assert.Single(TestApp.SetCookies(forwardedOnly)).Secure); // without ForwardedHeaders the header does not count
    }

    [Theory]
    [InlineData("https", true)]
    [InlineData("https, http", true)]
    [InlineData(" HTTPS ,http", true)]
    [InlineData("http, https", false)]
    [InlineData("http", false)]
    public async Task Proxy_true_trusts_the_first_forwarded_proto(string forwardedProto, bool secure)
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o =>
        {
            o.Proxy = true;
            o.Cookie.Secure = SessionCookieSecure.Auto;
        });

        var response = await app.PostAsync(SetPath, configure: ForwardedProto(forwardedProto));

        Assert.Equal(secure, Assert.Single(TestApp.SetCookies(response)).Secure);
    }

    [Fact]
    public async Task Proxy_true_reads_the_first_of_several_forwarded_proto_headers_and_still_trusts_direct_tls()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o =>
        {
            o.Proxy = true;
            o.Cookie.Secure = SessionCookieSecure.Auto;
        }, beforeSessions: DirectTlsOnHttps);

        var httpsFirst = await app.PostAsync(SetPath, configure: ForwardedProto("https", "http"));
        var httpFirst = await app.PostAsync(SetPath, configure: ForwardedProto("http", "https"));
        var directTls = await app.PostAsync(Https(SetPath));

        Assert.True(Assert.Single(TestApp.SetCookies(httpsFirst)).Secure);
        Assert.False(Assert.Single(TestApp.SetCookies(httpFirst)).Secure);
        Assert.True(Assert.Single(TestApp.SetCookies(directTls)).Secure);
    }

    [Fact]
    public async Task Proxy_false_ignores_forwarded_proto_and_only_trusts_direct_tls()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o =>
        {
            o.Proxy = false;
            o.Cookie.Secure = SessionCookieSecure.Auto;
            o.Cookie.SameSite = SessionCookieSameSite.Auto;
        }, beforeSessions: DirectTlsOnHttps);

        var forwarded = await app.PostAsync(SetPath, configure: ForwardedProto("https"));
        var directTls = await app.PostAsync(Https(SetPath));

        var forwardedCookie = Assert.Single(TestApp.SetCookies(forwarded));
        Assert.False(forwardedCookie.Secure);
        Assert.Equal(SameSiteMode.Lax, forwardedCookie.SameSite);
        var tlsCookie = Assert.Single(TestApp.SetCookies(directTls));
        Assert.True(tlsCookie.Secure);
        Assert.Equal(SameSiteMode.None, tlsCookie.SameSite);
    }

    // ---- Secure ----

    [Fact]
    public async Task Secure_true_over_plain_http_sends_no_cookie_but_still_saves_the_session()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.Secure = SessionCookieSecure.True);

        var response = await app.PostAsync(SetPath);
        var id = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains(HeaderNames.SetCookie));
        var record = await cluster.ReadStoredRecordAsync(id);
        Assert.NotNull(record);
    }

    [Fact]
    public async Task Secure_true_over_https_sends_a_secure_cookie_that_brings_the_session_back()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.Secure = SessionCookieSecure.True);

        var response = await app.PostAsync(Https(SetPath));
        var cookie = TestApp.CookieToSend(response);
        var again = await app.GetAsync(Https("/get?key=k"), cookie);

        Assert.True(Assert.Single(TestApp.SetCookies(response)).Secure);
        Assert.Equal("v", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Secure_false_never_marks_the_cookie_secure_even_over_https()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);

        var response = await app.PostAsync(Https(SetPath));

        Assert.False(Assert.Single(TestApp.SetCookies(response)).Secure);
    }

    // ---- SameSite ----

    [Theory]
    [InlineData(SessionCookieSameSite.Lax, false, SameSiteMode.Lax)]
    [InlineData(SessionCookieSameSite.Strict, false, SameSiteMode.Strict)]
    [InlineData(SessionCookieSameSite.None, true, SameSiteMode.None)]
    [InlineData(SessionCookieSameSite.Auto, true, SameSiteMode.None)]
    [InlineData(SessionCookieSameSite.Auto, false, SameSiteMode.Lax)]
    public async Task SameSite_is_written_as_configured(SessionCookieSameSite option, bool https, SameSiteMode expected)
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.SameSite = option);

        var response = await app.PostAsync(https ? Https(SetPath) : SetPath);

        Assert.Equal(expected, Assert.Single(TestApp.SetCookies(response)).SameSite);
    }

    [Fact]
    public async Task SameSite_defaults_to_lax()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);

        var response = await app.PostAsync(Https(SetPath));

        Assert.Equal(SameSiteMode.Lax, Assert.Single(TestApp.SetCookies(response)).SameSite);
    }

    // ---- Path ----

    private static void MapPathEndpoints(IEndpointRouteBuilder app)
    {
        static IResult Handle(HttpContext c)
        {
            if (c.Features.Get<ISessionFeature>() is null)
            {
                return Results.Text("no session");
            }

            if (c.Request.Query["key"] is [{ } key])
            {
                c.Session.SetString(key, "v");
            }

            return Results.Text(c.Session.Id);
        }

        foreach (var path in new[] { "/", "/app", "/app/x", "/application", "/foo", "/foobar" })
        {
            app.MapGet(path, Handle);
        }
    }

    [Fact]
    public async Task Cookie_path_scopes_sessions_by_rfc6265_path_match()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.Path = "/app", MapPathEndpoints);

        var atApp = await app.GetAsync("/app?key=a");
        var cookie = TestApp.CookieToSend(atApp);
        var id = await atApp.Content.ReadAsStringAsync();
        var below = await app.GetAsync("/app/x?key=b", cookie);
        var prefixOnly = await app.GetAsync("/application?key=c", cookie);
        var root = await app.GetAsync("/?key=d", cookie);

        Assert.Equal("/app", Assert.Single(TestApp.SetCookies(atApp)).Path.ToString());
        Assert.Equal(id, TestApp.SessionIdOf(cookie));
        Assert.Equal(id, await below.Content.ReadAsStringAsync()); // the same session under the path
        Assert.Equal("no session", await prefixOnly.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(prefixOnly));
        Assert.Equal("no session", await root.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(root));
    }

    [Fact]
    public async Task Cookie_path_foo_does_not_match_foobar()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.Path = "/foo", MapPathEndpoints);

        var foo = await app.GetAsync("/foo?key=a");
        var foobar = await app.GetAsync("/foobar?key=a");

        Assert.Equal("/foo", Assert.Single(TestApp.SetCookies(foo)).Path.ToString());
        Assert.Equal("no session", await foobar.Content.ReadAsStringAsync());
        Assert.False(foobar.Headers.Contains(HeaderNames.SetCookie));
    }

    // ---- Name ----

    [Fact]
    public async Task A_custom_name_is_used_for_the_cookie_and_a_cookie_under_the_default_name_is_ignored()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Name = "app.sid");

        var created = await app.PostAsync("/set?key=color&value=blue");
        var cookie = TestApp.CookieToSend(created, "app.sid");
        var readBack = await app.GetAsync("/get?key=color", cookie);
        var underDefaultName = await app.GetAsync("/get?key=color", "connect.sid" + cookie["app.sid".Length..]);

        Assert.Empty(TestApp.SetCookies(created)); // nothing under connect.sid
        Assert.Equal(await created.Content.ReadAsStringAsync(), TestApp.SessionIdOf(cookie));
        Assert.Equal("blue", await readBack.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, underDefaultName.StatusCode);
    }

    // ---- Cookie attributes ----

    [Fact]
    public async Task Without_max_age_or_expires_the_cookie_is_a_browser_session_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);

        var response = await app.PostAsync(SetPath);

        var raw = RawSetCookie(response);
        Assert.DoesNotContain("expires", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("max-age", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Max_age_sets_expires_from_the_app_clock_and_never_sends_max_age()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.MaxAge = TimeSpan.FromHours(1));
        app.Clock.Advance(TimeSpan.FromMinutes(37) + TimeSpan.FromSeconds(12.6));

        var response = await app.PostAsync(SetPath);

        var now = app.Clock.GetUtcNow();
        var expected = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero) + TimeSpan.FromHours(1);
        var cookie = Assert.Single(TestApp.SetCookies(response));
        Assert.Equal(expected, cookie.Expires);
        Assert.Null(cookie.MaxAge);
        Assert.DoesNotContain("max-age", RawSetCookie(response), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_fixed_expires_date_is_sent_as_is()
    {
        var expires = new DateTimeOffset(2027, 3, 4, 5, 6, 7, TimeSpan.Zero);
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.Expires = expires);

        var response = await app.PostAsync(SetPath);

        Assert.Equal(expires, Assert.Single(TestApp.SetCookies(response)).Expires);
    }

    [Fact]
    public async Task Priority_partitioned_domain_and_httponly_are_written_as_configured()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o =>
        {
            o.Cookie.Priority = SessionCookiePriority.High;
            o.Cookie.Partitioned = true;
            o.Cookie.Domain = "example.com";
            o.Cookie.HttpOnly = false;
            o.Cookie.Secure = SessionCookieSecure.True;
            o.Cookie.SameSite = SessionCookieSameSite.None;
        });

        var response = await app.PostAsync(Https(SetPath));

        var raw = RawSetCookie(response);
        Assert.True(HasAttribute(raw, "priority=High"), raw);
        Assert.True(HasAttribute(raw, "partitioned"), raw);
        Assert.False(HasAttribute(raw, "httponly"), raw);
        Assert.Equal("example.com", Assert.Single(TestApp.SetCookies(response)).Domain.ToString());
    }

    [Fact]
    public async Task By_default_there_is_no_priority_partitioned_or_domain_and_the_cookie_is_httponly()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);

        var response = await app.PostAsync(SetPath);

        var raw = RawSetCookie(response);
        Assert.DoesNotContain("priority", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("partitioned", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain", raw, StringComparison.OrdinalIgnoreCase);
        Assert.True(HasAttribute(raw, "httponly"), raw);
    }

    // ---- Cookie attributes the app changes in a request ----

    private static void MapCookieChangeEndpoints(IEndpointRouteBuilder app)
    {
        TestApp.MapSessionEndpoints(app);
        app.MapGet("/cookie-domain", async (HttpContext c, string domain) =>
        {
            await c.Session.LoadAsync();
            c.GetGrainSession().Cookie.Domain = domain;
            return "domain";
        });
        app.MapGet("/cookie-path", async (HttpContext c, string path) =>
        {
            await c.Session.LoadAsync();
            c.GetGrainSession().Cookie.Path = path;
            return "path";
        });
    }

    [Fact]
    public async Task A_domain_the_app_sets_on_a_stored_unchanged_session_is_sent()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: MapCookieChangeEndpoints);
        var cookie = TestApp.CookieToSend(await app.PostAsync(SetPath));

        var response = await app.GetAsync("/cookie-domain?domain=example.com", cookie);

        var sent = Assert.Single(TestApp.SetCookies(response));
        Assert.Equal("example.com", sent.Domain.ToString());
        Assert.Equal(TestApp.SessionIdOf(cookie), TestApp.SessionIdOf($"{sent.Name}={sent.Value}"));
    }

    [Fact]
    public async Task A_path_the_app_sets_on_a_stored_unchanged_session_is_sent()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: MapCookieChangeEndpoints);
        var cookie = TestApp.CookieToSend(await app.PostAsync(SetPath));

        var response = await app.GetAsync("/cookie-path?path=/app", cookie);

        Assert.Equal("/app", Assert.Single(TestApp.SetCookies(response)).Path.ToString());
    }

    [Fact]
    public async Task Setting_an_attribute_to_the_value_it_has_sends_no_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: MapCookieChangeEndpoints);
        var cookie = TestApp.CookieToSend(await app.PostAsync(SetPath));

        var response = await app.GetAsync("/cookie-path?path=/", cookie);

        Assert.Empty(TestApp.SetCookies(response));
    }

    // ---- Configuration, validation, IdGenerator ----

    [Fact]
    public void Options_bind_from_configuration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Session:Secrets:0"] = "new secret that is long enough to sign with",
            ["Session:Secrets:1"] = "old secret that is long enough to verify with",
            ["Session:Name"] = "app.sid",
            ["Session:Resave"] = "true",
            ["Session:SaveUninitialized"] = "true",
            ["Session:Rolling"] = "true",
            ["Session:Proxy"] = "true",
            ["Session:Unset"] = "Destroy",
            ["Session:IdleTimeout"] = "00:05:00",
            ["Session:AbsoluteTimeout"] = "1.00:00:00",
            ["Session:HeaderName"] = "X-Session-Id",
            ["Session:Cookie:Path"] = "/app",
            ["Session:Cookie:Domain"] = "example.com",
            ["Session:Cookie:HttpOnly"] = "false",
            ["Session:Cookie:Secure"] = "Auto",
            ["Session:Cookie:MaxAge"] = "00:20:00",
            ["Session:Cookie:Expires"] = "2027-01-02T03:04:05Z",
            ["Session:Cookie:SameSite"] = "Strict",
            ["Session:Cookie:Priority"] = "High",
            ["Session:Cookie:Partitioned"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddGrainSessions(config.GetSection("Session"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SessionFrontEndOptions>>().Value;

        Assert.Equal(["new secret that is long enough to sign with", "old secret that is long enough to verify with"], options.Secrets);
        Assert.Equal("app.sid", options.Name);
        Assert.True(options.Resave);
        Assert.True(options.SaveUninitialized);
        Assert.True(options.Rolling);
        Assert.True(options.Proxy);
        Assert.Equal(SessionUnset.Destroy, options.Unset);
        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromDays(1), options.AbsoluteTimeout);
        Assert.Equal("X-Session-Id", options.HeaderName);
        Assert.Equal("/app", options.Cookie.Path);
        Assert.Equal("example.com", options.Cookie.Domain);
        Assert.False(options.Cookie.HttpOnly);
        Assert.Equal(SessionCookieSecure.Auto, options.Cookie.Secure);
        Assert.Equal(TimeSpan.FromMinutes(20), options.Cookie.MaxAge);
        Assert.Equal(new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero), options.Cookie.Expires);
        Assert.Equal(SessionCookieSameSite.Strict, options.Cookie.SameSite);
        Assert.Equal(SessionCookiePriority.High, options.Cookie.Priority);
        Assert.True(options.Cookie.Partitioned);
    }

    [Fact]
    public async Task Startup_fails_with_a_clear_message_when_no_secret_is_configured()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(cluster.Grains);
        builder.Services.AddGrainSessions();
        await using var app = builder.Build();
        app.UseGrainSessions();
        app.MapGet("/", () => "up");

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Secrets", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short secret", true)]
    [InlineData("a secret of thirty-two characters", false)]
    public void Validation_warns_once_about_a_secret_shorter_than_32_characters(string secret, bool warned)
    {
        var logs = new FakeLogCollector();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(logs)))
            .AddGrainSessions(o => o.Secrets = [secret]);
        using var provider = services.BuildServiceProvider();

        _ = provider.GetRequiredService<IOptions<SessionFrontEndOptions>>().Value;

        Assert.Equal(warned ? 1 : 0, logs.GetSnapshot().Count(r => r.Id.Id == 1105));
    }

    [Fact]
    public async Task A_custom_id_generator_names_new_sessions()
    {
        var generated = new List<string>();
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.IdGenerator = context =>
        {
            var id = $"custom-{context.Request.Query["tag"]}-{Guid.NewGuid():N}";
            generated.Add(id);
            return id;
        });

        var response = await app.PostAsync(SetPath + "&tag=t1");
        var id = await response.Content.ReadAsStringAsync();

        Assert.Equal([id], generated);
        Assert.StartsWith("custom-t1-", id, StringComparison.Ordinal);
        Assert.Equal(id, TestApp.SessionIdOf(TestApp.CookieToSend(response)));
        Assert.NotNull(await cluster.ReadStoredRecordAsync(id));
    }
}
