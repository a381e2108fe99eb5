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
}
