namespace SessionGrains.LocalFarm;

/// <summary>
/// What <c>up</c> needs on the machine: dotnet, nginx and, for Redis storage, redis-server, for PostgreSQL storage,
/// postgresql (each installed with apt-get when missing), and, for Azure storage, Azurite (npm ci); the express front end (npm ci in deploy/local/express).
/// </summary>
internal sealed class Installer(FarmPaths paths, FarmLog log)
{
    private string InstallLog => Path.Combine(paths.Logs, "install.log");

    public async Task EnsureToolsAsync(FarmSettings settings, CancellationToken cancellation)
    {
        var storage = settings.Storage;
        if (FindOnPath("dotnet") is null)
        {
            throw new FarmException("dotnet (the .NET 10 SDK) is not on PATH");
        }

        if (Nginx.FindExecutable() is null)
        {
            await InstallDebianPackageAsync("nginx", () => Nginx.FindExecutable() is not null, cancellation);
        }

        if (settings.Express)
        {
            await new ExpressApp(paths).EnsureInstalledAsync(InstallLog, log.Info, cancellation);
        }

        if (storage == FarmStorageKind.Postgres)
        {
            if (PostgresServer.FindBinaries() is null)
            {
                await InstallDebianPackageAsync("postgresql", () => PostgresServer.FindBinaries() is not null, cancellation);
            }

            return;
        }

        if (storage == FarmStorageKind.Redis)
        {
            if (RedisServer.FindExecutable() is null)
            {
                await InstallDebianPackageAsync("redis-server", () => RedisServer.FindExecutable() is not null, cancellation);
            }

            return;
        }

        if (!File.Exists(new Azurite(paths.DeployLocal).Executable) && FindOnPath("npm") is null)
        {
            throw new FarmException("npm (node 20+) is required for Azurite");
        }

        await new Azurite(paths.DeployLocal).EnsureInstalledAsync(InstallLog, log.Info, cancellation);
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    private async Task InstallDebianPackageAsync(string package, Func<bool> installed, CancellationToken cancellation)
    {
        if (FindOnPath("apt-get") is null)
        {
            throw new FarmException($"{package} is missing and apt-get is not available: install {package}");
        }

        log.Info($"installing {package} (apt-get; output in {InstallLog})");
        // Debian starts the package's own service (nginx on 80, redis on 6379, postgresql on 5432) where services may start; the farm uses neither.
        string[] asRoot = Environment.UserName == "root" ? [] : FindOnPath("sudo") is not null ? ["sudo"] : throw new FarmException($"need root to install {package}");
        string[] aptGet = [.. asRoot, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"];
        if (await ExternalCommand.RunAsync(InstallLog, paths.State, [.. aptGet, "update"], TimeSpan.FromMinutes(5), cancellation: cancellation) != 0)
        {
            throw new FarmException($"apt-get update failed: {FarmLog.TailOf(InstallLog)}");
        }

        if (await ExternalCommand.RunAsync(InstallLog, paths.State, [.. aptGet, "install", "-y", package], TimeSpan.FromMinutes(10), cancellation: cancellation) != 0)
        {
            throw new FarmException($"apt-get install {package} failed: {FarmLog.TailOf(InstallLog)}");
        }

        if (!installed())
        {
            throw new FarmException($"{package} still not found after installing it");
        }
    }
}
