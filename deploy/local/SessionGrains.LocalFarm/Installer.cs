namespace SessionGrains.LocalFarm;

/// <summary>What <c>up</c> needs on the machine: dotnet, nginx (installed with apt-get when missing) and Azurite (npm ci).</summary>
internal sealed class Installer(FarmPaths paths, FarmLog log)
{
    private string InstallLog => Path.Combine(paths.Logs, "install.log");

    public async Task EnsureToolsAsync(CancellationToken cancellation)
    {
        if (FindOnPath("dotnet") is null)
        {
            throw new FarmException("dotnet (the .NET 10 SDK) is not on PATH");
        }

        if (Nginx.FindExecutable() is null)
        {
            await InstallNginxAsync(cancellation);
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

    private async Task InstallNginxAsync(CancellationToken cancellation)
    {
        if (FindOnPath("apt-get") is null)
        {
            throw new FarmException("nginx is missing and apt-get is not available: install nginx");
        }

        log.Info($"installing nginx (apt-get; output in {InstallLog})");
        // Debian starts its own nginx service (port 80) on install where services may start; the farm does not use it.
        string[] asRoot = Environment.UserName == "root" ? [] : FindOnPath("sudo") is not null ? ["sudo"] : throw new FarmException("need root to install nginx");
        string[] aptGet = [.. asRoot, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"];
        if (await ExternalCommand.RunAsync(InstallLog, paths.State, [.. aptGet, "update"], TimeSpan.FromMinutes(5), cancellation: cancellation) != 0)
        {
            throw new FarmException($"apt-get update failed: {FarmLog.TailOf(InstallLog)}");
        }

        if (await ExternalCommand.RunAsync(InstallLog, paths.State, [.. aptGet, "install", "-y", "nginx"], TimeSpan.FromMinutes(10), cancellation: cancellation) != 0)
        {
            throw new FarmException($"apt-get install nginx failed: {FarmLog.TailOf(InstallLog)}");
        }

        if (Nginx.FindExecutable() is null)
        {
            throw new FarmException("nginx still not found after installing it");
        }
    }
}
