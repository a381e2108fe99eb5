namespace SessionGrains.DeployTests;

/// <summary>Every Deployment's app, built once for a test class (see <see cref="DeployedApp"/>).</summary>
public sealed class DeployedApps : IAsyncLifetime
{
    /// <summary>The repository.</summary>
    public RepositoryRoot Root { get; } = RepositoryRoot.Find();

    /// <summary>The manifests.</summary>
    public KubernetesManifests Manifests { get; private set; } = null!;

    /// <summary>The apps, by Deployment name.</summary>
    public IReadOnlyDictionary<string, DeployedApp> ByDeployment { get; private set; } = new Dictionary<string, DeployedApp>();

    /// <summary>The app of the Deployment of this name.</summary>
    public DeployedApp this[string deployment] => ByDeployment[deployment];

    /// <summary>The Deployment names, as xunit member data.</summary>
    public static TheoryData<string> DeploymentNames()
    {
        var data = new TheoryData<string>();
        foreach (var deployment in KubernetesManifests.Load(RepositoryRoot.Find()).Deployments)
        {
            data.Add(deployment.Name);
        }

        return data;
    }

    /// <inheritdoc />
    public Task InitializeAsync()
    {
        Manifests = KubernetesManifests.Load(Root);
        ByDeployment = Manifests.Deployments.ToDictionary(d => d.Name, d => DeployedApp.Of(Root, Manifests, d));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var app in ByDeployment.Values)
        {
            await app.App.DisposeAsync();
        }
    }
}
