using System.Net;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

[Collection(FrontEndCollection.Name)]
public sealed class BasicSessionTests(FrontEndCluster cluster)
{
    [Fact]
    public async Task A_new_modified_session_gets_a_cookie_and_the_cookie_brings_back_the_same_session()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);

        var first = await app.PostAsync("/set?key=color&value=blue");
        var cookie = TestApp.CookieToSend(first);
        var id = await first.Content.ReadAsStringAsync();
        var second = await app.GetAsync("/get?key=color", cookie);
        var third = await app.GetAsync("/id", cookie);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(id, TestApp.SessionIdOf(cookie));
        Assert.Equal("blue", await second.Content.ReadAsStringAsync());
        Assert.Equal(id, await third.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(second)); // unchanged, not rolling: no Set-Cookie
        Assert.NotNull(await cluster.ReadStoredRecordAsync(id));
    }

    [Fact]
    public async Task Default_cookie_attributes_are_safe_and_cache_is_disabled()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);

        var response = await app.PostAsync("/set?key=a&value=b");

        var cookie = Assert.Single(TestApp.SetCookies(response));
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.False(cookie.Secure);
        Assert.Equal("/", cookie.Path.ToString());
        Assert.Null(cookie.Expires); // a browser-session cookie
        Assert.Null(cookie.MaxAge); // express never sends Max-Age
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        var id = TestApp.SessionIdOf(TestApp.CookieToSend(response));
        Assert.Equal(32, id.Length); // 24 random bytes, base64url
    }

    [Fact]
    public async Task Without_preload_a_request_that_never_touches_the_session_makes_no_grain_call()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Preload = false);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=b"));

        var before = cluster.Silo.Calls.Calls;
        var untouched = await app.GetAsync("/noop", cookie);
        var callsForUntouched = cluster.Silo.Calls.Calls - before;
        var read = await app.GetAsync("/get?key=a", cookie);

        Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);
        Assert.Equal(0, callsForUntouched);
        Assert.Equal("b", await read.Content.ReadAsStringAsync());
        Assert.Equal(1, cluster.Silo.Calls.Calls - before); // the read: one load, no separate touch
    }

    [Fact]
    public async Task With_preload_and_no_read_lease_every_request_presenting_the_session_loads_it_once()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.ReadLease = TimeSpan.Zero);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=b"));

        var before = cluster.Silo.Calls.Calls;
        await app.GetAsync("/noop", cookie);
        await app.GetAsync("/get?key=a", cookie);

        Assert.Equal(2, cluster.Silo.Calls.Calls - before);
    }

    [Fact]
    public async Task A_new_sessions_first_increment_creates_it_holding_the_sum_in_one_grain_call_and_one_write()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var before = cluster.Silo.Calls.Calls;

        var first = await app.PostAsync("/increment?key=n");
        var cookie = TestApp.CookieToSend(first);
        var id = TestApp.SessionIdOf(cookie);

        Assert.Equal("1", await first.Content.ReadAsStringAsync());
        Assert.Equal(1, cluster.Silo.Calls.Calls - before);
        Assert.Equal(1, cluster.Silo.StorageCounts.Writes(id));
        Assert.Equal("2", await (await app.PostAsync("/increment?key=n", cookie)).Content.ReadAsStringAsync()); // later ones in the grain
    }
}
