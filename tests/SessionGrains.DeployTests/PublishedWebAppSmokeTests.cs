using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using SessionGrains.Hosting;
using SessionGrains.Silo;
using SessionGrains.Web;

using SessionGrains.Tests.Shared;

namespace SessionGrains.DeployTests;

/// <summary>
/// (c) The published entry points (the Dockerfiles' ENTRYPOINTs, from the replayed build stages) as real processes in
/// Production, once per overlay with its rendered environment, against the overlay's real store (<see cref="OverlayStore"/>):
/// the silo pod's init containers run and succeed; the front end is live but not ready while no silo runs, ready once
/// the overlay's silo is up, keeps a session's counter, and both stop cleanly on SIGTERM. Without a session secret the
/// front end refuses to start and names the key; co-hosted with a secret it is ready.
/// </summary>
[Collection(PublishedImagesCollection.Name)]
public sealed class PublishedWebAppSmokeTests(PublishedImages images)
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(40);

    public static TheoryData<string> Overlays() => DeployedApps.OverlayNames();

    private static string WebDll => typeof(DemoAppSetup).Assembly.GetName().Name + ".dll";

    private static string SiloDll => typeof(SiloAppSetup).Assembly.GetName().Name + ".dll";

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The overlay's one Deployment whose image runs <paramref name="dll"/>, and that dll as published.</summary>
    private (DeploymentManifest Deployment, string Dll) Published(KubernetesManifests manifests, string dll)
    {
        var deployment = Assert.Single(manifests.Deployments, d => DeployedApp.DockerfileOf(images.Root, d).EntrypointDll == dll);
        var dockerfile = DeployedApp.DockerfileOf(images.Root, deployment);
        var replay = images.ByDockerfile[dockerfile.Path];
        Assert.True(replay.Failure is null, $"{dockerfile.Path}: {replay.Failure}");
        return (deployment, Path.Combine(replay.Output, dll));
    }

    /// <summary>A container's environment in Production, without the session secrets, the store's placeholder replaced by <paramref name="store"/>'s connection string.</summary>
    private static Dictionary<string, string> Environment(KubernetesManifests manifests, DeploymentManifest deployment, YamlDotNet.RepresentationModel.YamlNode container, OverlayStore? store)
    {
        var environment = PodEnvironment.Of(deployment, container, manifests)
            .Where(e => !e.Key.StartsWith("Session__Secrets__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);
        if (store is not null && environment.ContainsKey(store.Variable))
        {
            environment[store.Variable] = store.ConnectionString;
        }

        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return environment;
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task With_the_overlays_environment_and_store_the_front_end_is_ready_once_the_silo_is_up_keeps_a_session_and_both_stop_on_SIGTERM(string overlay)
    {
        var manifests = KubernetesManifests.Load(images.Root, overlay);
        var (silo, siloDll) = Published(manifests, SiloDll);
        var (web, webDll) = Published(manifests, WebDll);
        var storage = Enum.Parse<GrainStorageProvider>(PodEnvironment.Of(silo, manifests)["Cluster__GrainStorage"]);
        await using var store = await OverlayStore.StartAsync(images.Root, storage);

        // The silo pod's init containers first, as Kubernetes runs them (PostgreSQL: setup-database applies the schema).
        foreach (var init in silo.InitContainers)
        {
            Assert.True(init.Text("image") == silo.Image, $"{overlay}: init container {init.Text("name")} runs another image than the silo");
            var start = DotnetCommand.StartInfo(Path.GetDirectoryName(siloDll)!, [siloDll, .. init.Items("args").Select(a => a.Text() ?? "")]);
            foreach (var (key, value) in Environment(manifests, silo, init, store))
            {
                start.Environment[key] = value;
            }

            var result = await DotnetCommand.RunAsync(start, StartBound);
            Assert.True(result.Succeeded, $"{overlay}: init container {init.Text("name")} exited {result.ExitCode?.ToString() ?? "(killed)"}:\n{result.Tail}");
        }

        var webEnvironment = Environment(manifests, web, web.Container, store);
        webEnvironment["Session__Secrets__0"] = NewSecret(); // not the template's placeholder
        using var frontEnd = PublishedAppProcess.Start(webDll, webEnvironment);
        var live = await frontEnd.GetStatusAsync(SessionHealthEndpoints.LivenessPath, StartBound);
        Assert.True(live == HttpStatusCode.OK, $"{overlay}: /healthz answered {(live is null ? "nothing" : live)} within {StartBound.TotalSeconds} s:\n{frontEnd.Output}");
        var notReady = await frontEnd.GetStatusAsync(SessionHealthEndpoints.ReadinessPath, StartBound);
        Assert.True(notReady == HttpStatusCode.ServiceUnavailable, $"{overlay}: /healthz/ready answered {(notReady is null ? "nothing" : notReady)} with no silo:\n{frontEnd.Output}");

        // What only a cluster gives a pod is replaced: a loopback address for the pod IP, free ports, no Kubernetes API.
        var siloEnvironment = Environment(manifests, silo, silo.Container, store);
        siloEnvironment["Cluster__AdvertisedAddress"] = "127.0.0.1";
        siloEnvironment["Cluster__SiloPort"] = $"{LoopbackPorts.Free()}";
        siloEnvironment["Cluster__GatewayPort"] = $"{LoopbackPorts.Free()}";
        siloEnvironment["Cluster__Kubernetes"] = "false";
        using var siloProcess = PublishedAppProcess.Start(siloDll, siloEnvironment);
        var joined = Stopwatch.StartNew();
        var ready = false;
        while (!ready && !siloProcess.HasExited && joined.Elapsed < StartBound * 2)
        {
            ready = await frontEnd.AnswersAsync(SessionHealthEndpoints.ReadinessPath, HttpStatusCode.OK, TimeSpan.FromSeconds(2));
        }

        Assert.True(ready, $"{overlay}: /healthz/ready of the front end did not answer 200 within {joined.Elapsed.TotalSeconds:F0} s of the silo's start{(siloProcess.HasExited ? $" (the silo exited {siloProcess.ExitCode})" : "")}:\n{frontEnd.Output}\nsilo:\n{siloProcess.Output}");

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{frontEnd.Port}"), Timeout = StartBound };
        foreach (var expected in new[] { "1", "2" })
        {
            using var response = await client.PostAsync("/counter", null);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK && body == expected, $"{overlay}: POST /counter answered {(int)response.StatusCode} {body}, expected {expected}:\n{frontEnd.Output}\nsilo:\n{siloProcess.Output}");
        }

        foreach (var (name, app) in new[] { ("front end", frontEnd), ("silo", siloProcess) })
        {
            Assert.Equal(0, app.Terminate());
            Assert.True(await app.ExitsWithinAsync(StopBound), $"{overlay}: the {name} is still running {StopBound.TotalSeconds} s after SIGTERM:\n{app.Output}");
            Assert.True(app.ExitCode == 0, $"{overlay}: the {name} exited {app.ExitCode} on SIGTERM:\n{app.Output}");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Without_a_session_secret_the_published_front_end_refuses_to_start_and_names_the_key(string overlay)
    {
        var manifests = KubernetesManifests.Load(images.Root, overlay);
        var (web, dll) = Published(manifests, WebDll);
        using var app = PublishedAppProcess.Start(dll, Environment(manifests, web, web.Container, store: null));

        Assert.True(await app.ExitsWithinAsync(StartBound), $"{overlay}: still running {StartBound.TotalSeconds} s without a secret:\n{app.Output}");
        Assert.True(app.ExitCode != 0, $"{overlay}: exited 0 without a secret:\n{app.Output}");
        Assert.Contains("Session__Secrets__0", app.Output);
    }

    [Fact]
    public async Task Co_hosted_with_a_secret_the_published_front_end_is_live_and_ready()
    {
        var (_, dll) = Published(KubernetesManifests.Load(images.Root, KubernetesManifests.Overlays(images.Root)[0]), WebDll);
        int[] ports = [LoopbackPorts.Free(), LoopbackPorts.Free()];
        using var app = PublishedAppProcess.Start(dll, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Session__Secrets__0"] = NewSecret(),
            ["Cluster__SiloPort"] = $"{ports[0]}",
            ["Cluster__PrimarySiloPort"] = $"{ports[0]}",
            ["Cluster__GatewayPort"] = $"{ports[1]}",
            ["Cluster__GatewayPorts__0"] = $"{ports[1]}",
        });

        Assert.True(await app.AnswersAsync(SessionHealthEndpoints.ReadinessPath, HttpStatusCode.OK, StartBound),
            $"/healthz/ready of the co-hosted demo did not answer 200 within {StartBound.TotalSeconds} s:\n{app.Output}");
        Assert.Equal(HttpStatusCode.OK, await app.GetStatusAsync(SessionHealthEndpoints.LivenessPath, StartBound));
    }
}
