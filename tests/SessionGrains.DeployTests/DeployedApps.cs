namespace SessionGrains.DeployTests;

/// <summary>Every Deployment's app of every overlay, built once for a test class (see <see cref="DeployedApp"/>).</summary>
public sealed class DeployedApps : IAsyncLifetime
{
    private Dictionary<string, KubernetesManifests> _manifests = [];
    private Dictionary<(string Overlay, string Deployment), DeployedApp> _apps = [];

    /// <summary>The repository.</summary>
    public RepositoryRoot Root { get; } = RepositoryRoot.Find();

    /// <summary>The apps of every overlay.</summary>
    public IReadOnlyCollection<DeployedApp> All => _apps.Values;

    /// <summary>The app of the Deployment of this name in this overlay.</summary>
    public DeployedApp this[string overlay, string deployment] => _apps[(overlay, deployment)];

    /// <summary>The apps of one overlay.</summary>
    public IReadOnlyList<DeployedApp> Of(string overlay) => _apps.Where(a => a.Key.Overlay == overlay).Select(a => a.Value).ToList();

    /// <summary>The rendered manifests of one overlay.</summary>
    public KubernetesManifests Manifests(string overlay) => _manifests[overlay];

    /// <summary>The overlays, as xunit member data.</summary>
    public static TheoryData<string> OverlayNames() => new(KubernetesManifests.Overlays(RepositoryRoot.Find()));

    /// <summary>Each overlay's Deployment names, as xunit member data (overlay, Deployment).</summary>
    public static TheoryData<string, string> DeploymentNames()
    {
        var root = RepositoryRoot.Find();
        var data = new TheoryData<string, string>();
        foreach (var overlay in KubernetesManifests.Overlays(root))
        {
            foreach (var deployment in KubernetesManifests.Load(root, overlay).Deployments)
            {
                data.Add(overlay, deployment.Name);
            }
        }

        return data;
    }

    /// <inheritdoc />
    public Task InitializeAsync()
    {
        _manifests = KubernetesManifests.Overlays(Root).ToDictionary(o => o, o => KubernetesManifests.Load(Root, o));
        _apps = _manifests.Values
            .SelectMany(m => m.Deployments.Select(d => (Key: (m.Overlay, d.Name), App: DeployedApp.Of(Root, m, d))))
            .ToDictionary(a => a.Key, a => a.App);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await app.App.DisposeAsync();
        }
    }
}
