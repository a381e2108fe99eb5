using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Tests.Shared;
using static SessionGrains.Tests.Shared.TestApp;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// A front end co-hosted with the silo reads active sessions through the silo's <see cref="ILocalSessionReader"/>:
/// no grain call, yet every write made elsewhere is seen, and values handed to the app are its own copies.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class CoHostedReadTests(FrontEndCluster cluster)
{
    private Task<TestApp> StartCoHostedAsync() => TestApp.StartAsync(cluster.Grains,
        endpoints: app =>
        {
            MapSessionEndpoints(app);
            app.MapGet("/scribble", async (HttpContext c, string key) =>
            {
                await c.Session.LoadAsync();
                var value = c.Session.Get(key)!;
                Array.Fill(value, (byte)'X'); // an app that scribbles over a value it read
                return "scribbled";
            });
        },
        services: s => s.AddSingleton(cluster.Cluster.Silos[0].SiloHost.Services.GetRequiredService<ILocalSessionReader>()));

    [Fact]
    public async Task Reads_of_an_active_session_make_no_grain_call()
    {
        await using var app = await StartCoHostedAsync();
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));

        var before = cluster.Silo.Calls.Calls;
        var reads = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            reads.Add(await (await app.GetAsync("/get?key=color", cookie)).Content.ReadAsStringAsync());
        }

        Assert.All(reads, r => Assert.Equal("blue", r));
        Assert.Equal(0, cluster.Silo.Calls.Calls - before);
    }

    [Fact]
    public async Task A_write_from_another_front_end_is_seen_by_the_next_read()
    {
        await using var app = await StartCoHostedAsync();
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));
        Assert.Equal("blue", await (await app.GetAsync("/get?key=color", cookie)).Content.ReadAsStringAsync());

        var grain = cluster.Grains.GetGrain<ISessionGrain>(SessionIdOf(cookie));
        await grain.ApplyAsync(new SessionChangeSet { Sets = new() { ["color"] = "green"u8.ToArray() } });

        Assert.Equal("green", await (await app.GetAsync("/get?key=color", cookie)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_app_that_mutates_a_value_it_read_changes_nothing_stored_or_shared()
    {
        await using var app = await StartCoHostedAsync();
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));

        await app.GetAsync("/scribble?key=color", cookie);

        Assert.Equal("blue", await (await app.GetAsync("/get?key=color", cookie)).Content.ReadAsStringAsync());
        Assert.Equal("blue", System.Text.Encoding.UTF8.GetString((await cluster.ReadStoredRecordAsync(SessionIdOf(cookie)))!.Data["color"]));
    }

    [Fact]
    public async Task A_destroyed_session_is_not_read_again()
    {
        await using var app = await StartCoHostedAsync();
        var cookie = CookieToSend(await app.PostAsync("/set?key=color&value=blue"));

        await app.PostAsync("/destroy", cookie);
        var after = await app.GetAsync("/get?key=color", cookie);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, after.StatusCode);
        Assert.Null(await cluster.ReadStoredRecordAsync(SessionIdOf(cookie)));
    }
}
