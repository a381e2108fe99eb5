using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionGrains.Tests.Shared;
using SessionGrains.AspNetCore;
using SessionGrains.Web;

namespace SessionGrains.Web.Tests;

/// <summary>The demo's "your sessions" API, black-box over HTTP against the test cluster.</summary>
[Collection(FrontEndCollection.Name)]
public sealed class DemoUserSessionTests(FrontEndCluster cluster)
{
    private Task<TestApp> StartDemoAsync(Action<SessionFrontEndOptions>? configure = null) => TestApp.StartAsync(
        cluster.Grains, configure, endpoints: e => { e.MapDemoEndpoints(); e.MapDemoUserSessionEndpoints(); });

    [Fact]
    public async Task Every_route_answers_401_without_a_logged_in_session()
    {
        await using var app = await StartDemoAsync();
        var anonymous = TestApp.CookieToSend(await app.PostAsync("/counter"));

        foreach (var cookie in new[] { null, anonymous })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/me/sessions", cookie)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Delete, "/me/sessions/abc", cookie)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostAsync("/me/sessions/revoke-others", cookie)).StatusCode);
        }
    }

    [Fact]
    public async Task The_list_shows_each_login_oldest_first_marks_the_current_one_and_never_a_session_id()
    {
        await using var app = await StartDemoAsync();
        var user = NewUser();
        var laptop = await LoginAsync(app, user, "Laptop/1.0");
        cluster.Silo.Clock.Advance(TimeSpan.FromSeconds(5)); // the silos' session clock
        var phone = await LoginAsync(app, user, "Phone/2.0");

        var response = await app.GetAsync("/me/sessions", phone);
        var body = await response.Content.ReadAsStringAsync();
        var sessions = Parse(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Laptop/1.0", "Phone/2.0"], sessions.Select(s => s.GetProperty("userAgent").GetString()));
        Assert.Equal([false, true], sessions.Select(s => s.GetProperty("current").GetBoolean()));
        Assert.True(sessions[0].GetProperty("createdAt").GetDateTimeOffset() < sessions[1].GetProperty("createdAt").GetDateTimeOffset());
        Assert.All(sessions, s => Assert.True(s.TryGetProperty("lastAccessAt", out _) && s.TryGetProperty("ip", out _)));
        Assert.All(sessions, s => Assert.Equal(6, s.EnumerateObject().Count()));
        Assert.DoesNotContain(TestApp.SessionIdOf(laptop), body);
        Assert.DoesNotContain(TestApp.SessionIdOf(phone), body);
        Assert.Equal([true, false], Parse(await (await app.GetAsync("/me/sessions", laptop)).Content.ReadAsStringAsync())
            .Select(s => s.GetProperty("current").GetBoolean()));
    }

    [Fact]
    public async Task Revoking_a_session_logs_it_out_and_deletes_its_data()
    {
        await using var app = await StartDemoAsync();
        var user = NewUser();
        var laptop = await LoginAsync(app, user, "Laptop/1.0");
        var phone = await LoginAsync(app, user, "Phone/2.0");
        var laptopHandle = HandleOf(await ListAsync(app, phone), current: false);

        var revoke = await app.SendAsync(HttpMethod.Delete, $"/me/sessions/{laptopHandle}", phone);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/me", laptop)).StatusCode);
        Assert.Null(await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(laptop)));
        Assert.Equal(user, await (await app.GetAsync("/me", phone)).Content.ReadAsStringAsync());
        Assert.Single(await ListAsync(app, phone));
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Delete, $"/me/sessions/{laptopHandle}", phone)).StatusCode);
    }

    [Fact]
    public async Task A_handle_of_another_user_answers_404_and_revokes_nothing()
    {
        await using var app = await StartDemoAsync();
        var victim = await LoginAsync(app, NewUser(), "Laptop/1.0");
        var attacker = await LoginAsync(app, NewUser(), "Evil/6.6");
        var victimHandle = HandleOf(await ListAsync(app, victim), current: true);

        var revoke = await app.SendAsync(HttpMethod.Delete, $"/me/sessions/{victimHandle}", attacker);

        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/me", victim)).StatusCode);
        Assert.Single(await ListAsync(app, victim));
    }

    [Fact]
    public async Task Revoke_others_keeps_only_the_current_session()
    {
        await using var app = await StartDemoAsync();
        var user = NewUser();
        var others = new[] { await LoginAsync(app, user, "A/1"), await LoginAsync(app, user, "B/1") };
        var current = await LoginAsync(app, user, "C/1");

        Assert.Equal(HttpStatusCode.NoContent, (await app.PostAsync("/me/sessions/revoke-others", current)).StatusCode);

        Assert.True(Assert.Single(await ListAsync(app, current)).GetProperty("current").GetBoolean());
        foreach (var other in others)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/me", other)).StatusCode);
        }
    }

    [Fact]
    public async Task Beyond_the_limit_the_least_recently_used_session_ends()
    {
        await using var app = await StartDemoAsync(o =>
        {
            o.Users.MaxSessionsPerUser = 2;
            o.ReadLease = TimeSpan.Zero; // every read reaches the grain and counts as an access
        });
        var user = NewUser();
        var first = await LoginAsync(app, user, "A/1");
        var second = await LoginAsync(app, user, "B/1");
        cluster.Silo.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.GetAsync("/me", first); // the second is now the least recently used

        var third = await LoginAsync(app, user, "C/1");

        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/me", first)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/me", second)).StatusCode);
        Assert.Equal(["A/1", "C/1"], (await ListAsync(app, third)).Select(s => s.GetProperty("userAgent").GetString()));
    }

    [Fact]
    public async Task Logging_in_again_keeps_one_entry_and_logout_removes_it()
    {
        await using var app = await StartDemoAsync();
        var user = NewUser();
        var cookie = await LoginAsync(app, user, "A/1");
        var again = TestApp.CookieToSend(await app.PostAsync($"/login?user={user}", cookie));
        Assert.Single(await ListAsync(app, again));
        var other = await LoginAsync(app, user, "B/1");

        await app.PostAsync("/logout", again);

        Assert.Equal(["B/1"], (await ListAsync(app, other)).Select(s => s.GetProperty("userAgent").GetString()));
    }

    [Fact]
    public async Task Login_raises_created_bound_and_regenerated_events_though_a_handler_throws_on_each()
    {
        await using var app = await StartDemoAsync();
        var anonymous = TestApp.CookieToSend(await app.PostAsync("/counter"));
        var user = NewUser();

        var login = await app.PostAsync($"/login?user={user}", anonymous); // every silo runs a failing handler first

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var loggedIn = TestApp.SessionIdOf(TestApp.CookieToSend(login));
        await SessionGrains.Tests.Shared.SessionTestSilo.WaitUntilAsync(
            () => Task.FromResult(cluster.Silo.Events.Of(loggedIn).Count >= 2), "the new session's events arrive");
        Assert.Equal([SessionEventKind.Created, SessionEventKind.UserBound], cluster.Silo.Events.Of(loggedIn).Select(e => e.Kind));
        Assert.Equal(user, cluster.Silo.Events.Of(loggedIn)[1].UserId);
        Assert.Equal(SessionEventKind.Regenerated, cluster.Silo.Events.Of(TestApp.SessionIdOf(anonymous)).Last().Kind);
    }

    [Fact]
    public void The_demo_reads_the_per_user_limit_from_SessionGrains_MaxSessionsPerUser()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [DemoSessionSetup.MaxSessionsPerUserKey] = "3", ["Session:Secrets:0"] = "s" })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddDemoSessions(configuration, new HostingEnvironment { EnvironmentName = Environments.Production }).BuildServiceProvider();

        Assert.Equal(3, services.GetRequiredService<IOptions<SessionFrontEndOptions>>().Value.Users.MaxSessionsPerUser);
    }

    private static async Task<string> LoginAsync(TestApp app, string user, string userAgent)
    {
        var response = await app.PostAsync($"/login?user={user}", configure: r => r.Headers.Add("User-Agent", userAgent));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return TestApp.CookieToSend(response);
    }

    private static async Task<List<JsonElement>> ListAsync(TestApp app, string cookie)
    {
        var response = await app.GetAsync("/me/sessions", cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    private static List<JsonElement> Parse(string json) => JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();

    private static string HandleOf(List<JsonElement> sessions, bool current)
        => Assert.Single(sessions, s => s.GetProperty("current").GetBoolean() == current).GetProperty("handle").GetString()!;

    private static string NewUser() => "user-" + Guid.NewGuid().ToString("N")[..8];
}
