namespace SessionGrains.DeployTests;

/// <summary>(b, c) Each Dockerfile builds a project of the solution and runs it as the Deployment that uses its image expects.</summary>
public sealed class DockerfileTests(DeployedApps apps) : IClassFixture<DeployedApps>
{
    public static TheoryData<string> Dockerfiles() => new(Dockerfile.PathsUnder(RepositoryRoot.Find()));

    public static TheoryData<string, string> Deployments() => DeployedApps.DeploymentNames();

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_build_stage_publishes_a_project_of_the_solution_and_the_runtime_stage_runs_it_unprivileged(string path)
    {
        var dockerfile = Dockerfile.Load(apps.Root, path);
        Assert.True(dockerfile.Stages.Count >= 2, $"{path} is not multi-stage");
        Assert.True(dockerfile.Build.BaseImage.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal), $"{path}: build stage FROM {dockerfile.Build.BaseImage}");
        Assert.True(dockerfile.Runtime.BaseImage.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal), $"{path}: runtime stage FROM {dockerfile.Runtime.BaseImage}");

        var publish = Assert.Single(dockerfile.Build.All("RUN"), r => r.Words is ["dotnet", "publish", ..]);
        Assert.True(publish.Words.SkipWhile(w => w != "-o").Skip(1).FirstOrDefault() == "/app", $"{path}: {publish} does not publish to /app");
        Assert.True(SolutionProjects.InFolder(apps.Root, publish.Words[2]) is not null, $"{path}: {publish} publishes {publish.Words[2]}, no project of {RepositoryRoot.SolutionFileName}");
        var projects = SolutionProjects.Of(apps.Root);
        foreach (var source in dockerfile.Build.All("COPY").SelectMany(c => c.Words.SkipLast(1)).Where(s => s.EndsWith(".csproj", StringComparison.Ordinal)))
        {
            Assert.True(projects.Contains(source), $"{path}: COPY {source}, no project of {RepositoryRoot.SolutionFileName}");
        }

        Assert.True(dockerfile.EntrypointDll is not null, $"{path}: the ENTRYPOINT is not [\"dotnet\", \"<app>.dll\"] in exec form");
        Assert.True(DeployedApp.EntryPointOf(dockerfile).AssemblyName == Path.GetFileName(publish.Words[2].TrimEnd('/')), $"{path}: ENTRYPOINT {dockerfile.EntrypointDll} is not the published project's");
        var user = dockerfile.Runtime.All("USER").LastOrDefault()?.Arguments;
        Assert.True(user is not null and not ("root" or "0" or "0:0"), $"{path}: the image runs as root (USER {user})");
        Assert.True(dockerfile.Runtime.All("COPY").Any(c => c.Words.Contains($"--from={dockerfile.Build.Name}") && c.Words.Contains("/app")), $"{path}: the runtime stage does not copy /app from the build stage");
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_image_is_what_the_README_builds_and_exposes_the_Deployments_ports(string overlay, string deployment)
    {
        var app = apps[overlay, deployment];
        var dockerfile = app.Dockerfile;
        var ownBuilds = DockerBuildCommands.In(dockerfile.Text);
        Assert.True(ownBuilds.Count > 0 && ownBuilds.All(b => b.Tag == app.Deployment.Image), $"{dockerfile.Path}: its build comment ({string.Join(", ", ownBuilds)}) does not tag {app.Deployment.Image}");
        var ports = app.Deployment.Ports.Values.OfType<int>().ToHashSet();
        Assert.True(ports.SetEquals(dockerfile.Runtime.ExposedPorts), $"{dockerfile.Path}: EXPOSE {string.Join(" ", dockerfile.Runtime.ExposedPorts)}, {overlay}: Deployment {deployment}'s containerPorts are {string.Join(" ", ports)}");
        var urls = dockerfile.Runtime.Environment.GetValueOrDefault("ASPNETCORE_URLS");
        Assert.True(urls is not null && Microsoft.AspNetCore.Http.BindingAddress.Parse(urls).Port == app.Deployment.Ports.GetValueOrDefault("http"),
            $"{dockerfile.Path}: ENV ASPNETCORE_URLS={urls} is not on {overlay}: Deployment {deployment}'s http port");
    }
}
