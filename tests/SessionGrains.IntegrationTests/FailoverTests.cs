using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SessionGrains.AspNetCore;
using SessionGrains.Hosting;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>Silos die under load on Azure Table storage: no acknowledged write is lost or applied twice (see also <see cref="DurableStorageContract"/>).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FailoverTests(AzuriteServer azurite)
{
    private static readonly SessionTimeouts TwentyMinutes = new(TimeSpan.FromMinutes(20));

    private static string NewId() => SessionTestSilo.NewSessionId();

    [Fact]
    public async Task An_operation_id_sent_again_after_its_silo_was_killed_applies_nothing_twice()
    {
        await using var cluster = await DurableSessionCluster.StartAsync(new AzureSessionStore(azurite, GrainStorageProvider.AzureTable), new SessionTestSilo(), "it-once-" + Guid.NewGuid().ToString("N")[..8], silos: 3);
        var ids = Enumerable.Range(0, 12).Select(_ => NewId()).ToArray();
        await Task.WhenAll(ids.Select(id => cluster.Session(id).CreateAsync(TwentyMinutes, null, Guid.NewGuid())));
        var operations = ids.ToDictionary(id => id, _ => Guid.NewGuid());
        var first = await Task.WhenAll(ids.Select(id => cluster.Session(id).IncrementAsync("n", 1, operationId: operations[id])));
        var (victim, moved) = await DurableStorageContract.MostUsedSecondarySiloAsync(cluster, ids);

        await cluster.Cluster.KillSiloAsync(victim);

        foreach (var id in moved)
        {
            var again = await cluster.Session(id).IncrementAsync("n", 1, operationId: operations[id]);
            Assert.Equal((SessionWriteStatus.Succeeded, 1L), (again.Status, again.Value));
            Assert.Equal(first[Array.IndexOf(ids, id)].Version, again.Version);
            Assert.Equal(2, (await cluster.Session(id).IncrementAsync("n", 1, operationId: Guid.NewGuid())).Value);
        }
    }

    [Fact]
    public async Task A_thousand_concurrent_increments_through_a_front_end_while_a_silo_dies_end_at_exactly_a_thousand()
    {
        var testSilo = new SessionTestSilo();
        await using var cluster = await DurableSessionCluster.StartAsync(new AzureSessionStore(azurite, GrainStorageProvider.AzureTable), testSilo, "it-thousand-" + Guid.NewGuid().ToString("N")[..8], silos: 3);
        await using var app = await StartFrontEndAsync(cluster.Grains);
        var client = app.GetTestClient();
        var cookies = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            var created = await client.PostAsync("/increment", null);
            return created.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        }));
        var ids = cookies.Select(c => new SessionCookieSigner([FrontEndSecret]).TryUnsign(Uri.UnescapeDataString(c[(c.IndexOf('=') + 1)..]), out var id, out _) ? id : throw new InvalidOperationException(c)).ToArray();
        var (victim, moved) = await DurableStorageContract.MostUsedSecondarySiloAsync(cluster, ids);
        Assert.NotEmpty(moved);

        testSilo.Faults.ArmRandom(probability: 0.02); // and, besides the kill, lost acknowledgements and rejections
        var started = 0;
        var kill = new TaskCompletionSource();
        using var gate = new SemaphoreSlim(32);
        var increments = Enumerable.Range(0, 1000).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                if (Interlocked.Increment(ref started) == 300)
                {
                    kill.SetResult();
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, "/increment") { Headers = { { "Cookie", cookies[i % cookies.Length] } } };
                return (await client.SendAsync(request)).StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        await kill.Task;
        await cluster.Cluster.KillSiloAsync(victim);
        var statuses = await Task.WhenAll(increments);
        testSilo.Faults.Disarm();

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var stored = await Task.WhenAll(ids.Select(async id => (await cluster.Session(id).LoadAsync())!.Data["n"]));
        Assert.All(stored, n => Assert.Equal("21", System.Text.Encoding.UTF8.GetString(n))); // its creation + 20 each
    }

    private const string FrontEndSecret = "a long test secret for the failover front end, 32+";

    private static async Task<WebApplication> StartFrontEndAsync(IGrainFactory grains)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(grains);
        builder.Services.AddGrainSessions(o => o.Secrets = [FrontEndSecret]);
        var app = builder.Build();
        app.UseGrainSessions();
        app.MapPost("/increment", async (HttpContext c) => (await c.GetGrainSession().IncrementAsync("n")).ToString());
        await app.StartAsync();
        return app;
    }
}
