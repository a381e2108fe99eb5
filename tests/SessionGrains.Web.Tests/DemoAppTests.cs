using System.Net;
using SessionGrains.Tests.Shared;
using SessionGrains.Web;

namespace SessionGrains.Web.Tests;

/// <summary>The demo's stable HTTP API and page, black-box, against the test cluster.</summary>
[Collection(FrontEndCollection.Name)]
public sealed class DemoAppTests(FrontEndCluster cluster)
{
    private Task<TestApp> StartDemoAsync() => TestApp.StartAsync(cluster.Grains, endpoints: e => e.MapDemoEndpoints());

    private static async Task<string> TextAsync(Task<HttpResponseMessage> response) => await (await response).Content.ReadAsStringAsync();

    [Fact]
    public async Task Reading_the_counter_without_a_session_answers_zero_and_creates_nothing()
    {
        await using var app = await StartDemoAsync();
        var calls = cluster.Silo.Calls.Calls;

        var response = await app.GetAsync("/counter");

        Assert.Equal("0", await response.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(response));
        Assert.Equal(calls, cluster.Silo.Calls.Calls);
    }

    [Fact]
    public async Task Both_counters_count_in_one_session_and_reading_does_not_modify_it()
    {
        await using var app = await StartDemoAsync();

        var first = await app.PostAsync("/counter");
        var cookie = TestApp.CookieToSend(first);
        var id = TestApp.SessionIdOf(cookie);
        Assert.Equal("1", await first.Content.ReadAsStringAsync());
        Assert.Equal("2", await TextAsync(app.PostAsync("/counter", cookie)));
        Assert.Equal("3", await TextAsync(app.PostAsync("/counter/atomic", cookie)));
        var version = (await cluster.ReadStoredRecordAsync(id))!.Version;

        var read = await app.GetAsync("/counter", cookie);

        Assert.Equal("3", await read.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(read));
        Assert.Equal(version, (await cluster.ReadStoredRecordAsync(id))!.Version);
    }

    [Fact]
    public async Task Login_regenerates_the_id_keeps_the_counter_and_logout_destroys_the_session()
    {
        await using var app = await StartDemoAsync();
        var anonymous = TestApp.CookieToSend(await app.PostAsync("/counter"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/me", anonymous)).StatusCode);

        var login = await app.PostAsync("/login?user=ada", anonymous);
        var loggedIn = TestApp.CookieToSend(login);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotEqual(TestApp.SessionIdOf(anonymous), TestApp.SessionIdOf(loggedIn));
        Assert.Equal("ada", await TextAsync(app.GetAsync("/me", loggedIn)));
        Assert.Equal("1", await TextAsync(app.GetAsync("/counter", loggedIn)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/me", anonymous)).StatusCode);

        var logout = await app.PostAsync("/logout", loggedIn);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal("", Assert.Single(TestApp.SetCookies(logout)).Value.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/me", loggedIn)).StatusCode);
        Assert.Null(await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(loggedIn)));
    }

    [Fact]
    public async Task The_page_shows_the_session_and_encodes_what_users_typed()
    {
        await using var app = await StartDemoAsync();
        var cookie = TestApp.CookieToSend(await app.PostAsync("/login?user=%3Cscript%3Ex%3C%2Fscript%3E"));
        await app.PostAsync("/counter/atomic", cookie);

        var page = await TextAsync(app.GetAsync("/", cookie));

        Assert.Contains("<dd id=\"count\">1</dd>", page);
        Assert.Contains("&lt;script&gt;x&lt;/script&gt;", page);
        Assert.DoesNotContain("<script>x", page);
        Assert.Contains($"<dd id=\"session\">{SessionTag.Of(TestApp.SessionIdOf(cookie))[..8]}</dd>", page); // a tag, never the ID
        Assert.DoesNotContain(TestApp.SessionIdOf(cookie)[..6], page);
        Assert.Contains(cluster.Cluster.Silos[0].SiloAddress.ToString(), page);
    }

    [Fact]
    public async Task Form_posts_redirect_back_to_the_page_with_the_write_visible()
    {
        await using var app = await StartDemoAsync();

        var posted = await app.PostAsync("/counter?redirect=true");
        var cookie = TestApp.CookieToSend(posted);
        var page = await TextAsync(app.GetAsync(posted.Headers.Location!.ToString(), cookie));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Contains("<dd id=\"count\">1</dd>", page);
    }
}
