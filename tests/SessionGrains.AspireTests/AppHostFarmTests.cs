using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionGrains.LocalFarm;

namespace SessionGrains.AspireTests;

/// <summary>
/// The Aspire AppHost's farm, started by DCP as it is by <c>dotnet run</c> (its store, 3 silos, 2 front ends; no
/// dashboard), on each store its "storage" parameter names: one session's counter goes on across both front ends.
/// </summary>
public sealed class AppHostFarmTests
{
    private const int MaxRequests = 30;

    [Theory]
    [InlineData("azurite")]
    [InlineData("redis")]
    [InlineData("postgresql")]
    public async Task A_counter_survives_requests_across_both_front_ends(string storage)
    {
        // The multi-process farms' fault tests hold their bounds only without another farm beside them: one at a time.
        using var alone = await HeavyTestLock.TakeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4)); // typically under a minute; a bound for a loaded machine
        if (storage == "azurite")
        {
            var deployLocal = Path.Combine(FarmPaths.FindRepositoryRoot(AppContext.BaseDirectory), "deploy", "local");
            await new Azurite(deployLocal).EnsureInstalledAsync(Path.Combine(Path.GetTempPath(), "sessiongrains-aspire-npm.log"), _ => { }, timeout.Token);
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SessionGrains_AppHost>([$"Parameters:storage={storage}"], timeout.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning) // the members' own output only when it warns
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)); // the store refuses connections while it starts
        await using var app = await builder.BuildAsync(timeout.Token);
        await using var states = new ResourceStates(app.ResourceNotifications);
        try
        {
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("web", timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"{storage}: the front ends were not healthy in time: {states}");
        }

        // Through DCP's proxy of the two replicas, a new connection for every request so that both get some.
        using var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), PooledConnectionLifetime = TimeSpan.Zero };
        using var client = new HttpClient(handler) { BaseAddress = app.GetEndpoint("web", "http") };
        var frontEnds = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        while (count < MaxRequests && (count < 3 || frontEnds.Count < 2))
        {
            using var increment = new HttpRequestMessage(HttpMethod.Post, "/counter") { Headers = { ConnectionClose = true } };
            using var incremented = await client.SendAsync(increment, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, incremented.StatusCode);
            count++;
            Assert.Equal($"{count}", await incremented.Content.ReadAsStringAsync(timeout.Token));

            using var read = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { ConnectionClose = true } };
            using var page = await client.SendAsync(read, timeout.Token);
            var reading = DemoPageReading.Parse(await page.Content.ReadAsStringAsync(timeout.Token));
            Assert.Equal(count, reading.Count);
            frontEnds.Add(reading.FrontEnd);
        }

        Assert.True(frontEnds.Count == 2, $"{storage}: {count} requests all reached {string.Join(", ", frontEnds)}");
        await app.StopAsync(timeout.Token);
    }

    [Fact]
    public async Task An_unknown_storage_is_refused_naming_the_choices()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync<Projects.SessionGrains_AppHost>(["Parameters:storage=mysql"]));

        var message = refused.InnerException?.Message ?? refused.Message;
        Assert.Contains("Parameters:storage=mysql names no storage: azurite (the default), redis or postgresql", message, StringComparison.Ordinal);
    }
}
