using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.LocalFarm;

/// <summary>
/// Publishes the silo and the demo web app (Release) into bin/silo and bin/web, unless bin/.fingerprint shows that
/// the sources (src/, the Directory.* files, nuget.config, global.json) and the SDK version are unchanged.
/// </summary>
internal sealed class Publisher(FarmPaths paths, FarmLog log)
{
    private static readonly string[] RootFiles = ["Directory.Build.props", "Directory.Packages.props", "Directory.Build.targets", "nuget.config", "global.json"];

    private string BuildLog => Path.Combine(paths.Logs, "build.log");

    public string SiloDll => Path.Combine(paths.Bin, "silo", "SessionGrains.Silo.dll");

    public string WebDll => Path.Combine(paths.Bin, "web", "SessionGrains.Web.dll");

    public async Task PublishAsync(CancellationToken cancellation)
    {
        var marker = Path.Combine(paths.Bin, ".fingerprint");
        var fingerprint = $"{Fingerprint()} {Environment.Version}";
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == fingerprint && File.Exists(SiloDll) && File.Exists(WebDll))
        {
            log.Info($"binaries up to date ({paths.Bin})");
            return;
        }

        File.Delete(marker);
        foreach (var project in new[] { "Silo", "Web" })
        {
            var output = Path.Combine(paths.Bin, project.ToLowerInvariant());
            log.Info($"publishing SessionGrains.{project} (Release) to {output} (output in {BuildLog})");
            // Own artifacts folder (no src/*/obj shared with other builds) and no lingering build servers.
            var exit = await ExternalCommand.RunAsync(BuildLog, paths.RepositoryRoot,
            [
                "dotnet", "publish", $"src/SessionGrains.{project}/SessionGrains.{project}.csproj", "-c", "Release", "-o", output,
                "--artifacts-path", Path.Combine(paths.State, "build"), "-nodeReuse:false",
                "-p:UseSharedCompilation=false", "-p:UseRazorBuildServer=false",
            ], TimeSpan.FromMinutes(15), BuildEnvironment, cancellation);
            if (exit != 0)
            {
                var errors = FarmLog.LastLines(BuildLog, 2000).Where(l => l.Contains(" error ", StringComparison.Ordinal)).Distinct().TakeLast(20);
                throw new FarmException($"dotnet publish SessionGrains.{project} failed:\n{string.Join('\n', errors)}\n{FarmLog.TailOf(BuildLog, 15)}");
            }
        }

        File.WriteAllText(marker, fingerprint + "\n");
    }

    private static IReadOnlyDictionary<string, string> BuildEnvironment => new Dictionary<string, string>
    {
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    /// <summary>A hash over the path and content of every file the published binaries depend on.</summary>
    private string Fingerprint()
    {
        var source = Path.Combine(paths.RepositoryRoot, "src");
        var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(source, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Concat(RootFiles.Select(f => Path.Combine(paths.RepositoryRoot, f)).Where(File.Exists))
            .Select(f => Path.GetRelativePath(paths.RepositoryRoot, f))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\0"));
            hash.AppendData(SHA256.HashData(File.ReadAllBytes(Path.Combine(paths.RepositoryRoot, file))));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
