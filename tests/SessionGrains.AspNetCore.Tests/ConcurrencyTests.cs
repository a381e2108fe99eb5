using System.Net;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

[Collection(FrontEndCollection.Name)]
public sealed class ConcurrencyTests(FrontEndCluster cluster)
{
    [Fact]
    public async Task Concurrent_writes_to_different_keys_lose_nothing()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var created = await app.PostAsync("/set?key=k0&value=v0");
        var cookie = TestApp.CookieToSend(created);

        var responses = await Task.WhenAll(Enumerable.Range(1, 49).Select(i => app.PostAsync($"/set?key=k{i}&value=v{i}", cookie)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var stored = await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookie));
        Assert.Equal(50, stored!.Data.Count);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"v{i}", await (await app.GetAsync($"/get?key=k{i}", cookie)).Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_write_followed_by_a_redirect_is_visible_to_the_very_next_request()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=flash&value=none"));

        for (var i = 0; i < 20; i++)
        {
            var redirect = await app.PostAsync($"/set-then-redirect?key=flash&value=saved{i}", cookie);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            var next = await app.GetAsync(redirect.Headers.Location!.ToString(), cookie);
            Assert.Equal($"saved{i}", await next.Content.ReadAsStringAsync());
        }
    }
}
