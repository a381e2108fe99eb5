using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans.TestingHost;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>Failures are loud: a limit answers 413, a cluster that is down answers 503, and neither stores anything.</summary>
[Collection(FrontEndCollection.Name)]
public sealed class FailureTests(FrontEndCluster cluster)
{
    internal static void MapBigValue(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder e)
    {
        TestApp.MapSessionEndpoints(e);
        e.MapPost("/set-big", (HttpContext c, int size) =>
        {
            c.Session.Set("big", new byte[size]);
            c.Session.SetString("small", "also refused");
            return "set";
        });
    }

    [Fact]
    public async Task An_oversized_value_answers_413_and_stores_nothing_of_the_request()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: MapBigValue);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=kept&value=yes"));
        var id = TestApp.SessionIdOf(cookie);

        var existing = await app.PostAsync("/set-big?size=300000", cookie);
        var fresh = await app.PostAsync("/set-big?size=300000");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, existing.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, fresh.StatusCode);
        Assert.Empty(TestApp.SetCookies(fresh));
        var stored = await cluster.ReadStoredRecordAsync(id);
        Assert.Equal(["kept"], stored!.Data.Keys);
    }

    [Fact]
    public async Task A_cluster_that_is_down_answers_503_and_issues_no_session()
    {
        var silo = new SessionTestSilo();
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, s) => silo.Configure(s));
        await using var downCluster = builder.Build();
        await downCluster.DeployAsync();
        await using var app = await TestApp.StartAsync(downCluster.Client, o =>
        {
            o.Calls.Timeout = TimeSpan.FromMilliseconds(500);
            o.Calls.RetryDeadline = TimeSpan.FromSeconds(1);
        });
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=before&value=outage"));

        await downCluster.StopAllSilosAsync();
        var write = await app.PostAsync("/set?key=during&value=outage");
        var read = await app.GetAsync("/get?key=before", cookie);
        var untouched = await app.GetAsync("/noop", cookie);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.Contains("unavailable", await read.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(write));
        Assert.Equal(HttpStatusCode.OK, untouched.StatusCode); // requests that do not use the session are unaffected
    }
}
