using System.Diagnostics;
using System.Security.Cryptography;

namespace SessionGrains.LocalFarm;

/// <summary>
/// <c>up</c>: fresh settings (new cluster ID), free ports, tools installed, binaries published, then the storage server (Azurite, Redis or PostgreSQL, whose schema
/// <c>SessionGrains.Silo setup-database</c> applies before any silo starts), the silos
/// and front ends, and nginx once the front ends answer; each waited for until healthy. A failed or interrupted
/// <c>up</c> stops what it started (unless FARM_KEEP_ON_FAILURE=1).
/// </summary>
internal sealed class UpCommand(FarmPaths paths, Func<string, string?> environment, TextWriter output, TextWriter errors)
{
    public async Task<int> RunAsync(CancellationToken cancellation)
    {
        using var previous = new Farm(paths, FarmSettings.Load(paths.FarmEnv, environment), environment, errors);
        using var locked = await previous.LockAsync(cancellation);
        if (previous.Running() is { Count: > 0 } running)
        {
            throw new FarmException($"the farm is already up ({string.Join(' ', running.Select(m => m.Name))}); farm.sh status, or farm.sh down first");
        }

        var clock = Stopwatch.StartNew();
        using var farm = new Farm(paths, FarmSettings.Fresh(environment, DateTime.UtcNow), environment, errors);
        await CheckPortsFreeAsync(farm);
        farm.Settings.Save(paths.FarmEnv);
        Directory.CreateDirectory(paths.Run);
        Directory.CreateDirectory(paths.Bin);
        Directory.CreateDirectory(paths.NginxDir);
        farm.Registry.ForgetAll();
        RotateLogs();

        await new Installer(paths, farm.Log).EnsureToolsAsync(farm.Settings, cancellation);
        await new Publisher(paths, farm.Log).PublishAsync(cancellation);
        await EnsureSecretAsync(farm, paths.Secret, "the session cookie secret");
        await EnsureSecretAsync(farm, paths.DashboardPassword, "the dashboard password");
        await EnsureSecretAsync(farm, paths.StoreApiToken, "the session API token");

        try
        {
            await StartAsync(farm, cancellation);
        }
        catch (Exception failure) when (failure is FarmException or OperationCanceledException)
        {
            if (failure is FarmException)
            {
                farm.Log.Info("error: " + failure.Message);
            }

            if (farm.Settings.KeepOnFailure)
            {
                farm.Log.Info("up failed; FARM_KEEP_ON_FAILURE=1: leaving what started running (farm.sh down to stop it)");
            }
            else
            {
                farm.Log.Info($"up failed: stopping what it started (logs stay in {paths.Logs})");
                await farm.StopAllAsync(TimeSpan.FromSeconds(10));
            }

            return failure is OperationCanceledException ? 130 : 1;
        }

        farm.Log.Info($"farm up in {clock.Elapsed.TotalSeconds:F0}s");
        PrintUrls(farm.Settings);
        return 0;
    }

    private static async Task StartAsync(Farm farm, CancellationToken cancellation)
    {
        var s = farm.Settings;
        farm.Log.Info($"cluster {s.ClusterId} (service {s.ServiceId})");
        var storage = new FarmStorage(farm.Paths, s);
        var store = storage.Member;
        await storage.PrepareAsync(cancellation);
        farm.Registry.Record(store.Name, storage.Start());
        farm.Log.Info($"started {store.Name} (pid {farm.Registry.Live(store.Name)?.Pid}) ports {string.Join(' ', store.Ports)}");
        await WaitAsync(farm, cancellation, store);
        if (s.Storage == FarmStorageKind.Postgres)
        {
            farm.Log.Info("applying the database schema (SessionGrains.Silo setup-database)");
            await storage.SetUpAsync(cancellation);
        }

        var apps = farm.Members.Where(m => m.Kind is MemberKind.Silo or MemberKind.Web or MemberKind.Express).ToArray();
        foreach (var app in apps)
        {
            farm.StartApp(app); // front ends in client mode keep retrying until the cluster is up; express calls the API per request
        }

        farm.Log.Info($"waiting (at most {s.Timeout}s) for every /healthz/ready");
        await WaitAsync(farm, cancellation, [store, .. apps]);
        // After the front ends listen: nginx would otherwise mark them failed for fail_timeout.
        await new Nginx(farm.Paths, s, farm.Registry, farm.Log).StartAsync(cancellation);
        await WaitAsync(farm, cancellation, FarmMember.Nginx(s));
    }

    private static async Task WaitAsync(Farm farm, CancellationToken cancellation, params FarmMember[] members)
    {
        if (!await farm.Health.WaitAsync(farm.Timeout, cancellation, members))
        {
            throw new FarmException($"not healthy: {string.Join(' ', members.Select(m => m.Name))}");
        }
    }

    private static async Task CheckPortsFreeAsync(Farm farm)
    {
        var busy = new List<string>();
        foreach (var member in farm.Members)
        {
            foreach (var port in member.Ports)
            {
                if (await HealthProbe.IsPortBusyAsync(port))
                {
                    busy.Add($"{port} ({member.Name})");
                }
            }
        }

        if (busy.Count > 0)
        {
            farm.Log.Info($"ports already in use on 127.0.0.1: {string.Join(' ', busy)}");
            throw new FarmException("stop whatever holds them, or move the farm (FARM_AZURITE_PORT, FARM_REDIS_PORT, FARM_POSTGRES_PORT, FARM_SILO_PORT, FARM_GATEWAY_PORT, " +
                "FARM_SILO_HEALTH_PORT, FARM_WEB_PORT, FARM_NGINX_PORT; `ss -ltnp` shows who holds them)");
        }
    }

    private void RotateLogs()
    {
        if (Directory.Exists(paths.Logs))
        {
            var previous = paths.Logs + ".prev";
            if (Directory.Exists(previous))
            {
                Directory.Delete(previous, recursive: true);
            }

            Directory.Move(paths.Logs, previous);
        }

        Directory.CreateDirectory(paths.Logs);
    }

    /// <summary>Writes a random secret to <paramref name="path"/>, readable by this user only, unless one is there.</summary>
    private static async Task EnsureSecretAsync(Farm farm, string path, string what)
    {
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            return;
        }

        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace("/", "").Replace("+", "").Replace("=", "");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // nobody else may read it
        }

        await using (var file = new StreamWriter(new FileStream(path, options)))
        {
            await file.WriteAsync(secret);
        }

        farm.Log.Info($"generated {what} ({path})");
    }

    private void PrintUrls(FarmSettings s)
    {
        output.WriteLine($"SessionGrains farm is up (cluster {s.ClusterId}):");
        output.WriteLine($"  load balancer   http://127.0.0.1:{s.NginxPort}/   (nginx round robin)");
        if (s.Express)
        {
            output.WriteLine($"  express         http://127.0.0.1:{s.NginxPort}/express/   (express front end, same cookie and session; its own port {s.ExpressPort})");
        }

        output.WriteLine($"  session API     http://127.0.0.1:{s.StoreApiPort}/session-store/   (internal: nginx over the front ends; bearer token in {paths.StoreApiToken})");
        for (var n = 1; n <= s.Webs; n++)
        {
            output.WriteLine($"  front end {n}     http://127.0.0.1:{s.WebPort + n - 1}/");
        }

        for (var n = 1; n <= s.Silos; n++)
        {
            output.WriteLine($"  silo {n}          http://127.0.0.1:{s.SiloHealthPort + n - 1}/healthz   (silo port {s.SiloPort + n - 1}, gateway {s.GatewayPort + n - 1})");
        }

        if (s.Dashboard)
        {
            output.WriteLine($"  dashboard       http://127.0.0.1:{s.SiloHealthPort}/dashboard/   (Orleans Dashboard on silo 1; user admin, password in {paths.DashboardPassword})");
        }

        output.WriteLine($"  metrics         http://127.0.0.1:{s.WebPort}/metrics, http://127.0.0.1:{s.SiloHealthPort}/metrics, ...   (Prometheus, on every front end and silo)");
        output.WriteLine(s.Storage switch
        {
            FarmStorageKind.Redis => $"  Redis           127.0.0.1:{s.RedisPort}   (append-only file, fsync every second, in {Path.Combine(paths.State, "redis")})",
            FarmStorageKind.Postgres => $"  PostgreSQL      127.0.0.1:{s.PostgresPort}   (database {PostgresServer.Database}, user postgres, trust on loopback; data in {Path.Combine(paths.State, "postgres")})",
            _ => $"  Azurite         127.0.0.1:{s.AzuritePort}-{s.AzuritePort + 2}   (data in {paths.AzuriteData})",
        });
        output.WriteLine($"  logs            {paths.Logs}/");
        output.Flush();
    }
}
