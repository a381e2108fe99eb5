using System.Text;

namespace SessionGrains.LocalFarm;

/// <summary>
/// The farm's load balancer: nginx.conf rendered from deploy/local/nginx.conf.template (round robin over the front
/// ends), run as `nginx -c nginx/nginx.conf -p nginx/ -e logs/nginx-error.log`; nginx daemonizes and writes run/nginx.pid.
/// </summary>
internal sealed class Nginx(FarmPaths paths, FarmSettings settings, ProcessRegistry registry, FarmLog log)
{
    private string StartLog => Path.Combine(paths.Logs, "nginx.log");

    public static string? FindExecutable() => Installer.FindOnPath("nginx") ?? (File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null);

    /// <summary>The template with its @...@ placeholders filled in.</summary>
    public string RenderConfig()
    {
        var upstreams = new StringBuilder();
        for (var n = 1; n <= settings.Webs; n++)
        {
            upstreams.Append($"server 127.0.0.1:{settings.WebPort + n - 1} max_fails=1 fail_timeout=2s; ");
        }

        return File.ReadAllText(Path.Combine(paths.DeployLocal, "nginx.conf.template"))
            .Replace("@USER@", Environment.UserName == "root" ? "user nobody nogroup;" : "", StringComparison.Ordinal)
            .Replace("@RUN@", paths.Run, StringComparison.Ordinal)
            .Replace("@LOGS@", paths.Logs, StringComparison.Ordinal)
            .Replace("@NGINX@", paths.NginxDir, StringComparison.Ordinal)
            .Replace("@UPSTREAMS@", upstreams.ToString(), StringComparison.Ordinal)
            .Replace("@PORT@", $"{settings.NginxPort}", StringComparison.Ordinal)
            .Replace("@STORE_API_PORT@", $"{settings.StoreApiPort}", StringComparison.Ordinal)
            .Replace("@EXPRESS_PORT@", $"{settings.ExpressPort}", StringComparison.Ordinal);
    }

    public async Task StartAsync(CancellationToken cancellation)
    {
        var nginx = FindExecutable() ?? throw new FarmException("nginx not found");
        Directory.CreateDirectory(paths.NginxDir);
        await File.WriteAllTextAsync(paths.NginxConf, RenderConfig(), cancellation);
        string[] arguments = ["-c", paths.NginxConf, "-p", paths.NginxDir + "/", "-e", Path.Combine(paths.Logs, "nginx-error.log")];
        await File.AppendAllTextAsync(StartLog, $"=== {DateTime.Now:yyyy-MM-dd HH:mm:ss} starting nginx: {nginx} -c {paths.NginxConf}\n", cancellation);
        if (await ExternalCommand.RunAsync(StartLog, paths.State, [nginx, "-t", "-q", .. arguments], TimeSpan.FromSeconds(20), cancellation: cancellation) != 0)
        {
            throw new FarmException($"nginx rejected {paths.NginxConf}: {FarmLog.TailOf(StartLog)}");
        }

        if (await ExternalCommand.RunAsync(StartLog, paths.State, [nginx, .. arguments], TimeSpan.FromSeconds(20), cancellation: cancellation) != 0)
        {
            throw new FarmException($"nginx failed to start: {FarmLog.TailOf(StartLog)}\n{FarmLog.TailOf(log.FileOf("nginx"))}");
        }

        for (var i = 0; i < 50 && registry.Live("nginx") is null; i++)
        {
            await Task.Delay(100, cancellation);
        }

        var master = registry.Live("nginx") ??
            throw new FarmException($"nginx did not write {paths.Run}/nginx.pid: {FarmLog.TailOf(log.FileOf("nginx"))}");
        log.Info($"started nginx (pid {master.Pid}) port {settings.NginxPort}");
    }
}
