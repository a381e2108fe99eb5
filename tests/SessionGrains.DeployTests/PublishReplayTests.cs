namespace SessionGrains.DeployTests;

/// <summary>(c) Each Dockerfile's build stage, replayed without Docker, publishes the dll its ENTRYPOINT runs.</summary>
[Collection(PublishedImagesCollection.Name)]
public sealed class PublishReplayTests(PublishedImages images)
{
    public static TheoryData<string> Dockerfiles() => new(Dockerfile.PathsUnder(RepositoryRoot.Find()));

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_build_stage_publishes_the_ENTRYPOINTs_dll_for_ASP_NET_Core_without_host_output(string path)
    {
        var replay = images.ByDockerfile[path];
        Assert.True(replay.Failure is null, $"{path}: {replay.Failure}");
        Assert.True(replay.LeakedHostOutput.Count == 0, $"{path}: its COPY steps bring host build output, e.g. {string.Join(", ", replay.LeakedHostOutput.Take(3))}");
        var dll = Dockerfile.Load(images.Root, path).EntrypointDll;
        Assert.True(dll is not null && File.Exists(Path.Combine(replay.Output, dll)), $"{path}: the publish output has no {dll}");
        var runtimeConfig = Path.Combine(replay.Output, Path.ChangeExtension(dll, ".runtimeconfig.json"));
        Assert.True(File.Exists(runtimeConfig) && File.ReadAllText(runtimeConfig).Contains("Microsoft.AspNetCore.App", StringComparison.Ordinal),
            $"{path}: {Path.GetFileName(runtimeConfig)} is missing or does not target Microsoft.AspNetCore.App (what the aspnet image carries)");
    }
}
