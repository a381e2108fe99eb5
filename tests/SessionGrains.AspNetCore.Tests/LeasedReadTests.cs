using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionGrains.Tests.Shared;
using static SessionGrains.Tests.Shared.TestApp;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// Client-mode front ends serve sessions from their read cache while a lease lasts (SessionFrontEndOptions.ReadLease),
/// yet every acknowledged change, from any front end, is seen by the next read on every front end.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class LeasedReadTests(FrontEndCluster cluster)
{
    private int Calls => cluster.Silo.Calls.Calls;

    [Fact]
    public async Task Reads_within_a_lease_make_one_grain_call()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));

        var before = Calls;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("blue", await ReadAsync(app, "/get?key=color", cookie));
        }

        Assert.Equal(1, Calls - before);
    }

    [Fact]
    public async Task A_bound_session_stays_bound_in_the_cache_after_this_front_ends_own_writes()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e =>
        {
            MapSessionEndpoints(e);
            e.MapPost("/bind", async (HttpContext c, string user) => (await c.GetGrainSession().BindUserAsync(user)).UserId);
            e.MapGet("/user", (HttpContext c) => c.GetGrainSession().User?.UserId ?? "none");
        });
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));
        Assert.Equal("ada", await ReadAsync(app, "/bind?user=ada", cookie, HttpMethod.Post));
        Assert.Equal("ada", await ReadAsync(app, "/user", cookie)); // the leased load

        await app.PostAsync("/set?key=color&value=green", cookie);
        Assert.Equal("ada", await ReadAsync(app, "/user", cookie));
        Assert.Equal("1", await ReadAsync(app, "/increment?key=n", cookie, HttpMethod.Post));
        Assert.Equal("ada", await ReadAsync(app, "/user", cookie));
    }

    [Fact]
    public async Task This_front_ends_writes_keep_its_cache_current_with_one_call_each()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));
        Assert.Equal("blue", await ReadAsync(app, "/get?key=color", cookie)); // the leased load

        var before = Calls;
        for (var i = 1; i <= 10; i++)
        {
            await app.PostAsync($"/set?key=color&value=v{i}", cookie);
            Assert.Equal($"v{i}", await ReadAsync(app, "/get?key=color", cookie));
            Assert.Equal(i.ToString(), await ReadAsync(app, "/increment?key=n", cookie, HttpMethod.Post));
            Assert.Equal(i.ToString(), await ReadAsync(app, "/get?key=n", cookie));
        }

        Assert.Equal(20, Calls - before); // one Apply and one Increment per round; the reads came from the cache
    }

    [Fact]
    public async Task Every_acknowledged_change_on_one_front_end_is_seen_by_the_next_read_on_another()
    {
        await using var first = await TestApp.StartAsync(cluster.Grains);
        await using var second = await TestApp.StartAsync(cluster.Grains);
        var apps = new[] { first, second };
        var cookie = CookieToSend(await first.PostAsync("/set?key=n&value=0"));
        Assert.Equal("0", await ReadAsync(first, "/get?key=n", cookie));
        Assert.Equal("0", await ReadAsync(second, "/get?key=n", cookie)); // both hold leases now

        for (var i = 1; i <= 30; i++)
        {
            var writer = apps[i % 2];
            var reader = apps[(i + 1) % 2];
            Assert.Equal(i.ToString(), await ReadAsync(writer, "/increment?key=n", cookie, HttpMethod.Post));
            Assert.Equal(i.ToString(), await ReadAsync(reader, "/get?key=n", cookie));
            Assert.Equal(i.ToString(), await ReadAsync(writer, "/get?key=n", cookie));
        }
    }

    [Fact]
    public async Task A_change_made_directly_on_the_grain_reaches_a_leased_front_end()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));
        Assert.Equal("blue", await ReadAsync(app, "/get?key=color", cookie));

        await cluster.Grains.GetGrain<ISessionGrain>(SessionIdOf(cookie))
            .ApplyAsync(new SessionChangeSet { Sets = new() { ["color"] = "green"u8.ToArray() } });

        Assert.Equal("green", await ReadAsync(app, "/get?key=color", cookie));
    }

    [Fact]
    public async Task A_session_destroyed_on_one_front_end_is_gone_on_another_that_held_a_lease()
    {
        await using var first = await TestApp.StartAsync(cluster.Grains);
        await using var second = await TestApp.StartAsync(cluster.Grains);
        var cookie = CookieToSend(await first.PostAsync("/set?key=color&value=blue"));
        Assert.Equal("blue", await ReadAsync(second, "/get?key=color", cookie));

        await first.PostAsync("/destroy", cookie);

        Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync("/get?key=color", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await first.GetAsync("/get?key=color", cookie)).StatusCode);
    }

    [Fact]
    public async Task After_the_lease_ends_the_next_read_goes_to_the_grain()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.ReadLease = TimeSpan.FromMilliseconds(200));
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));

        var before = Calls;
        await ReadAsync(app, "/get?key=color", cookie);
        await ReadAsync(app, "/get?key=color", cookie);
        var withinLease = Calls - before;
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await ReadAsync(app, "/get?key=color", cookie);

        Assert.Equal(1, withinLease);
        Assert.Equal(2, Calls - before);
    }

    private static async Task<string> ReadAsync(TestApp app, string path, string cookie, HttpMethod? method = null)
    {
        var response = await app.SendAsync(method ?? HttpMethod.Get, path, cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
