using System.Net;
using SessionGrains.Tests.Shared;

namespace SessionGrains.Web.Tests;

[Collection(FrontEndCollection.Name)]
public sealed class DemoCounterConcurrencyTests(FrontEndCluster cluster)
{
    [Fact]
    public async Task Two_hundred_concurrent_atomic_increments_end_at_exactly_two_hundred()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e => e.MapDemoEndpoints());
        var cookie = TestApp.CookieToSend(await app.PostAsync("/counter/atomic"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 199).Select(_ => app.PostAsync("/counter/atomic", cookie)));
        var values = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Enumerable.Range(2, 199), values.Select(int.Parse).Order());
        Assert.Equal("200", await (await app.GetAsync("/counter", cookie)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Atomic_increments_sent_again_under_their_idempotency_key_count_once()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e => e.MapDemoEndpoints());
        var cookie = TestApp.CookieToSend(await app.PostAsync("/counter/atomic"));
        var keys = Enumerable.Range(0, 20).Select(_ => $"\"{Guid.NewGuid()}\"").ToArray();

        var responses = await Task.WhenAll(keys.Concat(keys).Select(key =>
            app.PostAsync("/counter/atomic", cookie, r => r.Headers.TryAddWithoutValidation("Idempotency-Key", key))));
        var answered = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.OK).Select(r => r.Content.ReadAsStringAsync()));
        var retried = await Task.WhenAll(keys.Select(key =>
            app.PostAsync("/counter/atomic", cookie, r => r.Headers.TryAddWithoutValidation("Idempotency-Key", key))));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict })); // 409: the first attempt ran
        Assert.Equal("21", await (await app.GetAsync("/counter", cookie)).Content.ReadAsStringAsync());
        var values = await Task.WhenAll(retried.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Equal(Enumerable.Range(2, 20), values.Select(int.Parse).Order()); // each key answered its own increment
        Assert.Subset(values.ToHashSet(), answered.ToHashSet());
    }
}
