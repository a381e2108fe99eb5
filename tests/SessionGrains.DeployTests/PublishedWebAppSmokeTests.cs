using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SessionGrains.Web;

namespace SessionGrains.DeployTests;

/// <summary>
/// (c) The published web entry point (the Dockerfile's ENTRYPOINT, from the replayed build stage) starts with its
/// Deployment's environment and answers /healthz. The health check passes through the session middleware, so its
/// answer (503 "session cluster unavailable": there is no cluster here) shows that every value bound and validated at
/// start-up. SIGTERM then stops it cleanly. Silos are not started: they need a reachable Azure Storage (the local farm's job).
/// </summary>
[Collection(PublishedImagesCollection.Name)]
public sealed class PublishedWebAppSmokeTests(PublishedImages images)
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    /// <summary>Deployments whose image runs the web front end (its set-up is <see cref="DemoAppSetup"/>).</summary>
    public static TheoryData<string> WebDeployments()
    {
        var root = RepositoryRoot.Find();
        var data = new TheoryData<string>();
        foreach (var deployment in KubernetesManifests.Load(root).Deployments)
        {
            if (DeployedApp.DockerfileOf(root, deployment).EntrypointDll == typeof(DemoAppSetup).Assembly.GetName().Name + ".dll")
            {
                data.Add(deployment.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WebDeployments))]
    public async Task The_published_front_end_starts_with_its_manifest_environment_answers_healthz_and_stops_on_SIGTERM(string name)
    {
        var manifests = KubernetesManifests.Load(images.Root);
        var deployment = manifests.Deployments.Single(d => d.Name == name);
        var dockerfile = DeployedApp.DockerfileOf(images.Root, deployment);
        var replay = images.ByDockerfile[dockerfile.Path];
        Assert.True(replay.Failure is null, $"{dockerfile.Path}: {replay.Failure}");

        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(replay.Output, dockerfile.EntrypointDll!)])
        {
            WorkingDirectory = replay.Output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in PodEnvironment.Of(deployment, manifests))
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}"; // loopback only, on a free port
        foreach (var secret in deployment.Environment.Where(e => e.Source == EnvironmentSourceKind.Secret && e.Name.StartsWith("Session__Secrets__", StringComparison.Ordinal)))
        {
            start.Environment[secret.Name] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)); // not the template's placeholder
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var status = await HealthStatusAsync(port, process);
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"{name}: /healthz answered {(status is null ? "nothing" : status)} within {StartBound.TotalSeconds} s:\n{Text(output)}");

            Assert.Equal(0, Signal(process.Id, "TERM"));
            using var stopped = new CancellationTokenSource(StopBound);
            await process.WaitForExitAsync(stopped.Token);
            Assert.True(process.ExitCode == 0, $"{name}: exited {process.ExitCode} on SIGTERM:\n{Text(output)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<HttpStatusCode?> HealthStatusAsync(int port, Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartBound && !process.HasExited)
        {
            try
            {
                return (await http.GetAsync($"http://127.0.0.1:{port}/healthz")).StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(250); // not listening yet
            }
        }

        return null;
    }

    private static int Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString()]))!;
        kill.WaitForExit();
        return kill.ExitCode;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
