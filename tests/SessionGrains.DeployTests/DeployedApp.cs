namespace SessionGrains.DeployTests;

/// <summary>
/// A Deployment and what it runs: the Dockerfile that deploy/README.md builds its image from, the app that Dockerfile's
/// ENTRYPOINT starts, and that app built from the container's environment.
/// </summary>
public sealed record DeployedApp(DeploymentManifest Deployment, Dockerfile Dockerfile, AppEntryPoint EntryPoint, BoundApp App)
{
    /// <summary>The file whose docker build lines name the images.</summary>
    public const string Readme = "deploy/README.md";

    /// <summary>The Dockerfile deploy/README.md builds this Deployment's image from; throws, saying what is missing.</summary>
    public static Dockerfile DockerfileOf(RepositoryRoot root, DeploymentManifest deployment)
    {
        var builds = DockerBuildCommands.In(root.Read(Readme));
        var path = builds.Where(b => b.Tag == deployment.Image).Select(b => b.Dockerfile).FirstOrDefault()
            ?? throw new InvalidOperationException(
                $"Deployment {deployment.Name}: image {deployment.Image} is built by no `docker build` line of {Readme} ({string.Join(", ", builds)})");
        return Dockerfile.Load(root, path);
    }

    /// <summary>The app a Dockerfile's ENTRYPOINT runs; throws when it is none of this repository's apps.</summary>
    public static AppEntryPoint EntryPointOf(Dockerfile dockerfile) =>
        AppEntryPoint.ForDll(dockerfile.EntrypointDll)
        ?? throw new InvalidOperationException(
            $"{dockerfile.Path}: ENTRYPOINT {dockerfile.Runtime.All("ENTRYPOINT").LastOrDefault()} runs none of {string.Join(", ", AppEntryPoint.All.Select(a => a.Dll))}");

    /// <summary>Resolves and builds one Deployment's app.</summary>
    public static DeployedApp Of(RepositoryRoot root, KubernetesManifests manifests, DeploymentManifest deployment)
    {
        var dockerfile = DockerfileOf(root, deployment);
        var entryPoint = EntryPointOf(dockerfile);
        return new DeployedApp(deployment, dockerfile, entryPoint, BoundApp.Build(entryPoint, PodEnvironment.Of(deployment, manifests)));
    }
}
