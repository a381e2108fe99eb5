using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.LocalFarm;

/// <summary>
/// The farm's express front end: deploy/local/express (express 5, express-session 1.19 and connect-sessiongrains, which
/// package-lock.json takes from src/connect-sessiongrains as a packed copy, .npmrc install-links). <c>npm ci</c> runs
/// again whenever the app's lock file or the package's sources change.
/// </summary>
internal sealed class ExpressApp(FarmPaths paths)
{
    private string Marker => Path.Combine(paths.ExpressApp, "node_modules", ".farm-fingerprint");

    public string Server => Path.Combine(paths.ExpressApp, "server.js");

    /// <summary><c>npm ci</c> in deploy/local/express unless the installed copy is current; one installer at a time.</summary>
    public async Task EnsureInstalledAsync(string installLog, Action<string> info, CancellationToken cancellation = default)
    {
        if (Installer.FindOnPath("node") is null || Installer.FindOnPath("npm") is null)
        {
            throw new FarmException("node and npm (node 20+) are required for the express front end (FARM_EXPRESS=0 leaves it out)");
        }

        var fingerprint = Fingerprint();
        if (IsCurrent(fingerprint))
        {
            return;
        }

        using var installing = await FileLock.TakeAsync(Path.Combine(paths.ExpressApp, ".install.lock"), TimeSpan.FromMinutes(10), cancellation)
            ?? throw new FarmException($"another installer holds {paths.ExpressApp}/.install.lock");
        if (IsCurrent(fingerprint))
        {
            return;
        }

        info($"installing the express front end (npm ci in {paths.ExpressApp}; output in {installLog})");
        var exit = await ExternalCommand.RunAsync(installLog, paths.ExpressApp, ["npm", "ci", "--no-audit", "--no-fund"],
            TimeSpan.FromMinutes(10), cancellation: cancellation);
        if (exit != 0 || !File.Exists(Path.Combine(paths.ExpressApp, "node_modules", "connect-sessiongrains", "package.json")))
        {
            throw new FarmException($"npm ci in {paths.ExpressApp} failed (exit {exit}): {FarmLog.TailOf(installLog)}");
        }

        await File.WriteAllTextAsync(Marker, fingerprint + "\n", cancellation);
    }

    /// <summary>
    /// Starts <c>node server.js</c> detached: the session API through nginx's internal port, the farm's token, the
    /// ASP.NET front ends' cookie secret and idle timeout.
    /// </summary>
    public ProcessRecord Start(FarmMember express, FarmSettings settings, string logFile) => DetachedProcess.Start(logFile, paths.ExpressApp,
        ["node", Server],
        new Dictionary<string, string>
        {
            ["NODE_ENV"] = "production",
            ["PORT"] = $"{express.Ports[0]}",
            ["SESSIONGRAINS_URL"] = $"http://127.0.0.1:{settings.StoreApiPort}",
            ["SESSIONGRAINS_TOKEN"] = File.ReadAllText(paths.StoreApiToken).Trim(),
            ["SESSION_SECRET"] = File.ReadAllText(paths.Secret).Trim(),
            ["SESSION_IDLE_TIMEOUT_SECONDS"] = $"{(int)FarmSettings.SessionIdleTimeout.TotalSeconds}",
        });

    private bool IsCurrent(string fingerprint) => File.Exists(Marker) && File.ReadAllText(Marker).Trim() == fingerprint;

    /// <summary>A hash of the app's package files and the store package's files (what <c>npm ci</c> copies).</summary>
    private string Fingerprint()
    {
        var package = Path.Combine(paths.RepositoryRoot, "src", "connect-sessiongrains");
        var files = new[] { "package.json", "package-lock.json", ".npmrc" }.Select(f => Path.Combine(paths.ExpressApp, f))
            .Concat(Directory.Exists(package)
                ? Directory.EnumerateFiles(package, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetRelativePath(package, f).Split(Path.DirectorySeparatorChar).Any(part => part is "node_modules" or "test"))
                : [])
            .Where(File.Exists)
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(paths.RepositoryRoot, file) + "\0"));
            hash.AppendData(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
