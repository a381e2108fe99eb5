using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;
using SessionGrains.AspNetCore;
using Xunit;

namespace SessionGrains.Tests.Shared;

/// <summary>
/// A web app on TestServer whose sessions go to a test cluster. Unless told otherwise it maps the endpoints of
/// <see cref="MapSessionEndpoints"/>, and its clock (cookie expiry) is a FakeTimeProvider.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string Secret = "keyboard cat, a long test secret for SessionGrains";

    private readonly WebApplication _app;

    private TestApp(WebApplication app, FakeTimeProvider clock)
    {
        _app = app;
        Clock = clock;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public FakeTimeProvider Clock { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(
        IGrainFactory grains,
        Action<SessionFrontEndOptions>? configure = null,
        Action<IEndpointRouteBuilder>? endpoints = null,
        Action<IApplicationBuilder>? beforeSessions = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(grains);
        builder.Services.AddGrainSessions(options =>
        {
            options.Secrets = [Secret];
            configure?.Invoke(options);
        });
        builder.Services.AddRouting();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        beforeSessions?.Invoke(app);
        app.UseGrainSessions();
        (endpoints ?? MapSessionEndpoints)(app);
        await app.StartAsync();
        return new TestApp(app, clock);
    }

    /// <summary>
    /// GET /noop (never touches the session), GET /get?key, POST /set?key&amp;value, GET /id, POST /remove?key,
    /// POST /clear, POST /destroy, POST /regenerate?keep=true|false, POST /reload?key, POST /save?key&amp;value (explicit
    /// save), POST /touch, POST /increment?key, POST /set-then-redirect?key&amp;value.
    /// </summary>
    public static void MapSessionEndpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/noop", () => "noop");
        app.MapGet("/get", async (HttpContext c, string key) =>
        {
            await c.Session.LoadAsync();
            return c.Session.GetString(key) is { } v ? Results.Text(v) : Results.NotFound();
        });
        app.MapPost("/set", (HttpContext c, string key, string value) =>
        {
            c.Session.SetString(key, value);
            return Results.Text(c.Session.Id);
        });
        app.MapGet("/id", (HttpContext c) => c.Session.Id);
        app.MapPost("/remove", (HttpContext c, string key) => { c.Session.Remove(key); return "removed"; });
        app.MapPost("/clear", (HttpContext c) => { c.Session.Clear(); return "cleared"; });
        app.MapPost("/destroy", async (HttpContext c) => { await c.GetGrainSession().DestroyAsync(); return "destroyed"; });
        app.MapPost("/regenerate", async (HttpContext c, bool keep) =>
        {
            await c.GetGrainSession().RegenerateAsync(keep);
            return c.Session.Id;
        });
        app.MapPost("/reload", async (HttpContext c, string key) =>
        {
            await c.GetGrainSession().ReloadAsync();
            return c.Session.GetString(key) ?? "";
        });
        app.MapPost("/save", async (HttpContext c, string key, string value) =>
        {
            c.Session.SetString(key, value);
            await c.GetGrainSession().SaveAsync();
            return c.Session.Id;
        });
        app.MapPost("/touch", (HttpContext c) => { c.GetGrainSession().Touch(); return "touched"; });
        app.MapPost("/increment", async (HttpContext c, string key) => (await c.GetGrainSession().IncrementAsync(key)).ToString());
        app.MapPost("/set-then-redirect", (HttpContext c, string key, string value) =>
        {
            c.Session.SetString(key, value);
            return Results.Redirect($"/get?key={key}");
        });
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? cookie = null, Action<HttpRequestMessage>? configure = null)
        => SendAsync(HttpMethod.Get, path, cookie, configure);

    public Task<HttpResponseMessage> PostAsync(string path, string? cookie = null, Action<HttpRequestMessage>? configure = null)
        => SendAsync(HttpMethod.Post, path, cookie, configure);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? cookie = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add(HeaderNames.Cookie, cookie);
        }

        configure?.Invoke(request);
        return Client.SendAsync(request);
    }

    /// <summary>The Set-Cookie headers of a response for the cookie <paramref name="name"/>.</summary>
    public static IList<SetCookieHeaderValue> SetCookies(HttpResponseMessage response, string name = "connect.sid")
        => response.Headers.TryGetValues(HeaderNames.SetCookie, out var values)
            ? SetCookieHeaderValue.ParseList(values.ToList()).Where(c => c.Name == name).ToList()
            : [];

    /// <summary>The single Set-Cookie of <paramref name="name"/>, as "name=value" to send back.</summary>
    public static string CookieToSend(HttpResponseMessage response, string name = "connect.sid")
    {
        var cookie = Assert.Single(SetCookies(response, name));
        return $"{cookie.Name}={cookie.Value}";
    }

    /// <summary>The session ID inside a Set-Cookie value made with <see cref="Secret"/>.</summary>
    public static string SessionIdOf(string cookieToSend)
    {
        var value = Uri.UnescapeDataString(cookieToSend[(cookieToSend.IndexOf('=') + 1)..]);
        Assert.True(new SessionCookieSigner([Secret]).TryUnsign(value, out var id, out _), $"cookie {value} does not verify");
        return id;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
