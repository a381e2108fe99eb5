using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using SessionGrains.Web;

using SessionGrains.Tests.Shared;

namespace SessionGrains.DeployTests;

/// <summary>
/// (c) The published web entry point (the Dockerfile's ENTRYPOINT, from the replayed build stage) as a real process in
/// Production: with its Deployment's environment it starts, is live (/healthz 200) but not ready (/healthz/ready 503:
/// there is no cluster here), which shows that every value bound and validated at start-up, and stops cleanly on
/// SIGTERM; without a session secret it refuses to start and names the key; co-hosted with a secret it is ready.
/// Silos are not started: they need a reachable Azure Storage (the local farm's job).
/// </summary>
[Collection(PublishedImagesCollection.Name)]
public sealed class PublishedWebAppSmokeTests(PublishedImages images)
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    /// <summary>Deployments whose image runs the web front end (its set-up is <see cref="DemoAppSetup"/>).</summary>
    public static TheoryData<string> WebDeployments() => new(WebDeploymentNames(RepositoryRoot.Find()));

    private static IEnumerable<string> WebDeploymentNames(RepositoryRoot root)
        => KubernetesManifests.Load(root).Deployments
            .Where(deployment => DeployedApp.DockerfileOf(root, deployment).EntrypointDll == WebDll)
            .Select(deployment => deployment.Name);

    private static string WebDll => typeof(DemoAppSetup).Assembly.GetName().Name + ".dll";

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The published dll of <paramref name="deployment"/>'s image and its pod's environment, in Production, without the session secrets.</summary>
    private (string Dll, Dictionary<string, string> Environment) Published(string deployment)
    {
        var manifests = KubernetesManifests.Load(images.Root);
        var manifest = manifests.Deployments.Single(d => d.Name == deployment);
        var dockerfile = DeployedApp.DockerfileOf(images.Root, manifest);
        var replay = images.ByDockerfile[dockerfile.Path];
        Assert.True(replay.Failure is null, $"{dockerfile.Path}: {replay.Failure}");
        var environment = PodEnvironment.Of(manifest, manifests)
            .Where(e => !e.Key.StartsWith("Session__Secrets__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return (Path.Combine(replay.Output, dockerfile.EntrypointDll!), environment);
    }

    [Theory]
    [MemberData(nameof(WebDeployments))]
    public async Task The_published_front_end_starts_with_its_manifest_environment_is_live_not_ready_and_stops_on_SIGTERM(string name)
    {
        var (dll, environment) = Published(name);
        environment["Session__Secrets__0"] = NewSecret(); // not the template's placeholder
        using var app = PublishedAppProcess.Start(dll, environment);

        var live = await app.GetStatusAsync(SessionHealthEndpoints.LivenessPath, StartBound);
        Assert.True(live == HttpStatusCode.OK, $"{name}: /healthz answered {(live is null ? "nothing" : live)} within {StartBound.TotalSeconds} s:\n{app.Output}");
        var ready = await app.GetStatusAsync(SessionHealthEndpoints.ReadinessPath, StartBound);
        Assert.True(ready == HttpStatusCode.ServiceUnavailable, $"{name}: /healthz/ready answered {(ready is null ? "nothing" : ready)} without a cluster:\n{app.Output}");

        Assert.Equal(0, app.Terminate());
        Assert.True(await app.ExitsWithinAsync(StopBound), $"{name}: still running {StopBound.TotalSeconds} s after SIGTERM:\n{app.Output}");
        Assert.True(app.ExitCode == 0, $"{name}: exited {app.ExitCode} on SIGTERM:\n{app.Output}");
    }

    [Theory]
    [MemberData(nameof(WebDeployments))]
    public async Task Without_a_session_secret_the_published_front_end_refuses_to_start_and_names_the_key(string name)
    {
        var (dll, environment) = Published(name);
        using var app = PublishedAppProcess.Start(dll, environment);

        Assert.True(await app.ExitsWithinAsync(StartBound), $"{name}: still running {StartBound.TotalSeconds} s without a secret:\n{app.Output}");
        Assert.True(app.ExitCode != 0, $"{name}: exited 0 without a secret:\n{app.Output}");
        Assert.Contains("Session__Secrets__0", app.Output);
    }

    [Fact]
    public async Task Co_hosted_with_a_secret_the_published_front_end_is_live_and_ready()
    {
        var (dll, _) = Published(WebDeploymentNames(images.Root).First());
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
