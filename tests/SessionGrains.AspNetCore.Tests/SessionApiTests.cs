using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>express-session's req.session API: destroy, regenerate, reload, save, unset; plus typed values.</summary>
[Collection(FrontEndCollection.Name)]
public sealed class SessionApiTests(FrontEndCluster cluster)
{
    private async Task<(string Cookie, string Id)> CreateSessionAsync(TestApp app, string key = "user", string value = "ada")
    {
        var response = await app.PostAsync($"/set?key={key}&value={value}");
        var cookie = TestApp.CookieToSend(response);
        return (cookie, TestApp.SessionIdOf(cookie));
    }

    [Fact]
    public async Task Destroy_deletes_the_session_and_clears_the_browser_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var (cookie, id) = await CreateSessionAsync(app);

        var destroyed = await app.PostAsync("/destroy", cookie);

        var clearing = Assert.Single(TestApp.SetCookies(destroyed));
        Assert.Equal("", clearing.Value.ToString());
        Assert.True(clearing.Expires < app.Clock.GetUtcNow());
        Assert.Null(await cluster.ReadStoredRecordAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/get?key=user", cookie)).StatusCode);
    }

    [Fact]
    public async Task Regenerate_without_data_destroys_the_old_session_and_starts_an_empty_one_with_a_new_id()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e =>
        {
            TestApp.MapSessionEndpoints(e);
            e.MapPost("/login", async (HttpContext c) =>
            {
                await c.GetGrainSession().RegenerateAsync();
                c.Session.SetString("user", "grace");
                return c.Session.GetString("cart") ?? "no cart";
            });
        });
        var (cookie, oldId) = await CreateSessionAsync(app, "cart", "apples");

        var login = await app.PostAsync("/login", cookie);

        var newCookie = TestApp.CookieToSend(login);
        var newId = TestApp.SessionIdOf(newCookie);
        Assert.NotEqual(oldId, newId);
        Assert.Equal("no cart", await login.Content.ReadAsStringAsync());
        Assert.Null(await cluster.ReadStoredRecordAsync(oldId));
        Assert.Equal(["user"], (await cluster.ReadStoredRecordAsync(newId))!.Data.Keys);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/get?key=cart", cookie)).StatusCode);
    }

    [Fact]
    public async Task Regenerate_keeping_data_moves_it_to_a_new_id()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var (cookie, oldId) = await CreateSessionAsync(app, "cart", "pears");

        var regenerated = await app.PostAsync("/regenerate?keep=true", cookie);

        var newCookie = TestApp.CookieToSend(regenerated);
        var newId = TestApp.SessionIdOf(newCookie);
        Assert.NotEqual(oldId, newId);
        Assert.Equal(newId, await regenerated.Content.ReadAsStringAsync());
        Assert.Equal("pears", await (await app.GetAsync("/get?key=cart", newCookie)).Content.ReadAsStringAsync());
        Assert.Null(await cluster.ReadStoredRecordAsync(oldId));
    }

    [Fact]
    public async Task Reload_sees_a_write_made_by_a_concurrent_request()
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e =>
        {
            TestApp.MapSessionEndpoints(e);
            e.MapGet("/read-wait-reload", async (HttpContext c) =>
            {
                var before = c.Session.GetString("color");
                loaded.SetResult();
                await proceed.Task;
                await c.GetGrainSession().ReloadAsync();
                return $"{before}->{c.Session.GetString("color")}";
            });
        });
        var (cookie, _) = await CreateSessionAsync(app, "color", "red");

        var slow = app.GetAsync("/read-wait-reload", cookie);
        await loaded.Task;
        await app.PostAsync("/set?key=color&value=green", cookie);
        proceed.SetResult();

        Assert.Equal("red->green", await (await slow).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_explicit_save_is_not_followed_by_a_second_save()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);

        var saved = await app.PostAsync("/save?key=step&value=1");
        var id = await saved.Content.ReadAsStringAsync();
        var cookie = TestApp.CookieToSend(saved);
        Assert.Equal(1, cluster.Silo.StorageCounts.Writes(id)); // the creation, nothing at the end of the request

        await app.PostAsync("/save?key=step&value=2", cookie);
        Assert.Equal(2, cluster.Silo.StorageCounts.Writes(id));
        Assert.Equal("2", await (await app.GetAsync("/get?key=step", cookie)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cookies_the_app_sets_itself_are_kept()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e => e.MapPost("/both", (HttpContext c) =>
        {
            c.Response.Cookies.Append("theme", "dark");
            c.Session.SetString("k", "v");
            return "ok";
        }));

        var response = await app.PostAsync("/both");

        Assert.Single(TestApp.SetCookies(response, "theme"));
        Assert.Single(TestApp.SetCookies(response));
    }

    [Theory]
    [InlineData(SessionUnset.Destroy)]
    [InlineData(SessionUnset.Keep)]
    public async Task Unsetting_the_session_follows_the_Unset_option(SessionUnset unset)
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Unset = unset, e =>
        {
            TestApp.MapSessionEndpoints(e);
            e.MapPost("/unset", (HttpContext c) =>
            {
                c.Session.SetString("user", "changed before unset");
                c.Features.Get<ISessionFeature>()!.Session = null!;
                return "unset";
            });
        });
        var (cookie, id) = await CreateSessionAsync(app);

        var response = await app.PostAsync("/unset", cookie);

        var stored = await cluster.ReadStoredRecordAsync(id);
        if (unset == SessionUnset.Destroy)
        {
            Assert.Null(stored);
            Assert.Equal("", Assert.Single(TestApp.SetCookies(response)).Value.ToString());
        }
        else
        {
            Assert.Equal("ada", System.Text.Encoding.UTF8.GetString(stored!.Data["user"]));
            Assert.Empty(TestApp.SetCookies(response));
        }
    }

    [Fact]
    public async Task Typed_values_round_trip_as_json()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e =>
        {
            e.MapPost("/cart", (HttpContext c) => { c.GetGrainSession().Set("cart", new Cart("ada", ["apple", "pear"])); return "ok"; });
            e.MapGet("/cart", async (HttpContext c) =>
            {
                await c.Session.LoadAsync();
                var cart = c.GetGrainSession().Get<Cart>("cart");
                return $"{cart!.Owner}:{string.Join(',', cart.Items)}:{c.Session.GetString("cart")}";
            });
        });

        var cookie = TestApp.CookieToSend(await app.PostAsync("/cart"));
        var body = await (await app.GetAsync("/cart", cookie)).Content.ReadAsStringAsync();

        Assert.Equal("ada:apple,pear:{\"owner\":\"ada\",\"items\":[\"apple\",\"pear\"]}", body);
    }

    [Fact]
    public async Task Increment_creates_a_new_session_and_reads_back_as_a_number()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e =>
        {
            TestApp.MapSessionEndpoints(e);
            e.MapGet("/typed", async (HttpContext c) => { await c.Session.LoadAsync(); return c.GetGrainSession().Get<long>("hits").ToString(); });
        });

        var first = await app.PostAsync("/increment?key=hits");
        var cookie = TestApp.CookieToSend(first);
        await app.PostAsync("/increment?key=hits", cookie);

        Assert.Equal("1", await first.Content.ReadAsStringAsync());
        Assert.Equal("2", await (await app.GetAsync("/typed", cookie)).Content.ReadAsStringAsync());
        Assert.Equal("2", await (await app.GetAsync("/get?key=hits", cookie)).Content.ReadAsStringAsync());
    }

    private sealed record Cart(string Owner, string[] Items);
}
