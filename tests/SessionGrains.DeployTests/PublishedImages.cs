namespace SessionGrains.DeployTests;

/// <summary>Every Dockerfile's build stage, replayed once for the tests that use the published output.</summary>
public sealed class PublishedImages : IAsyncLifetime
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("sessiongrains-deploy-tests-").FullName;

    /// <summary>The repository.</summary>
    public RepositoryRoot Root { get; } = RepositoryRoot.Find();

    /// <summary>The replays, by Dockerfile path.</summary>
    public Dictionary<string, BuildStageReplay> ByDockerfile { get; } = [];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        foreach (var path in Dockerfile.PathsUnder(Root))
        {
            ByDockerfile[path] = await BuildStageReplay.RunAsync(Root, Dockerfile.Load(Root, path), Path.Combine(_scratch, Path.GetFileName(path)));
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Directory.Delete(_scratch, recursive: true);
        return Task.CompletedTask;
    }
}
