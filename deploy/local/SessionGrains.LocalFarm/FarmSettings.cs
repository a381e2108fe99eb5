using System.Globalization;

namespace SessionGrains.LocalFarm;

/// <summary>
/// The farm's ports, sizes and IDs. <c>up</c> takes them from the FARM_* environment (with a new cluster ID) and saves
/// them to farm.env; every later command reads farm.env first, so restart/status/down see what <c>up</c> used.
/// </summary>
internal sealed record FarmSettings
{
    public FarmStorageKind Storage { get; init; } = FarmStorageKind.Azure;
    public int AzuritePort { get; init; } = 10000;
    public int RedisPort { get; init; } = 6390;
    public int PostgresPort { get; init; } = 5440;
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30001;
    public int SiloHealthPort { get; init; } = 8081;
    public int WebPort { get; init; } = 5001;
    public int NginxPort { get; init; } = 8080;

    /// <summary>nginx's second, internal listener: the ASP.NET front ends' session API (/session-store) for the express front end.</summary>
    public int StoreApiPort { get; init; } = 8090;

    /// <summary>The express front end's own port (nginx serves it under /express/).</summary>
    public int ExpressPort { get; init; } = 5080;

    /// <summary>FARM_EXPRESS=0 leaves the express front end out (no node needed beyond Azurite's); on by default.</summary>
    public bool Express { get; init; } = true;

    /// <summary>The idle timeout both the ASP.NET front ends and the express front end create sessions with (they must be equal).</summary>
    public static TimeSpan SessionIdleTimeout => TimeSpan.FromMinutes(20);
    public int Silos { get; init; } = 3;
    public int Webs { get; init; } = 2;
    public string ServiceId { get; init; } = "sessiongrains-farm";
    public string ClusterId { get; init; } = "";

    /// <summary>Seconds a health wait may take (FARM_TIMEOUT; never saved).</summary>
    public int Timeout { get; init; } = 90;

    /// <summary>Seconds between SIGTERM and SIGKILL (FARM_STOP_TIMEOUT; never saved).</summary>
    public int StopTimeout { get; init; } = 30;

    /// <summary>FARM_DASHBOARD=0 turns the silos' Orleans Dashboard off (it profiles every grain call); on by default.</summary>
    public bool Dashboard { get; init; } = true;

    /// <summary>FARM_KEEP_ON_FAILURE=1: a failed <c>up</c> leaves what it started running.</summary>
    public bool KeepOnFailure { get; init; }

    // Saved key, FARM_* variable, and how to set the value.
    private static readonly (string Key, string Variable, Func<FarmSettings, string, FarmSettings> Set, Func<FarmSettings, string> Get)[] Fields =
    [
        ("STORAGE", "FARM_STORAGE", (s, v) => s with { Storage = StorageKind(v) }, s => s.Storage.ToString().ToLowerInvariant()),
        ("REDIS_PORT", "FARM_REDIS_PORT", (s, v) => s with { RedisPort = Number("REDIS_PORT", v) }, s => Text(s.RedisPort)),
        ("POSTGRES_PORT", "FARM_POSTGRES_PORT", (s, v) => s with { PostgresPort = Number("POSTGRES_PORT", v) }, s => Text(s.PostgresPort)),
        ("AZURITE_PORT", "FARM_AZURITE_PORT", (s, v) => s with { AzuritePort = Number("AZURITE_PORT", v) }, s => Text(s.AzuritePort)),
        ("SILO_PORT", "FARM_SILO_PORT", (s, v) => s with { SiloPort = Number("SILO_PORT", v) }, s => Text(s.SiloPort)),
        ("GATEWAY_PORT", "FARM_GATEWAY_PORT", (s, v) => s with { GatewayPort = Number("GATEWAY_PORT", v) }, s => Text(s.GatewayPort)),
        ("SILO_HEALTH_PORT", "FARM_SILO_HEALTH_PORT", (s, v) => s with { SiloHealthPort = Number("SILO_HEALTH_PORT", v) }, s => Text(s.SiloHealthPort)),
        ("WEB_PORT", "FARM_WEB_PORT", (s, v) => s with { WebPort = Number("WEB_PORT", v) }, s => Text(s.WebPort)),
        ("NGINX_PORT", "FARM_NGINX_PORT", (s, v) => s with { NginxPort = Number("NGINX_PORT", v) }, s => Text(s.NginxPort)),
        ("STORE_API_PORT", "FARM_STORE_API_PORT", (s, v) => s with { StoreApiPort = Number("STORE_API_PORT", v) }, s => Text(s.StoreApiPort)),
        ("EXPRESS_PORT", "FARM_EXPRESS_PORT", (s, v) => s with { ExpressPort = Number("EXPRESS_PORT", v) }, s => Text(s.ExpressPort)),
        ("EXPRESS", "FARM_EXPRESS", (s, v) => s with { Express = v != "0" }, s => s.Express ? "1" : "0"),
        ("SILOS", "FARM_SILOS", (s, v) => s with { Silos = Number("SILOS", v) }, s => Text(s.Silos)),
        ("WEBS", "FARM_WEBS", (s, v) => s with { Webs = Number("WEBS", v) }, s => Text(s.Webs)),
        ("SERVICE_ID", "FARM_SERVICE_ID", (s, v) => s with { ServiceId = v }, s => s.ServiceId),
        ("DASHBOARD", "FARM_DASHBOARD", (s, v) => s with { Dashboard = v != "0" }, s => s.Dashboard ? "1" : "0"),
        ("CLUSTER_ID", "", (s, v) => s with { ClusterId = v }, s => s.ClusterId),
    ];

    /// <summary>For <c>up</c>: from the environment only, validated, with a new cluster ID.</summary>
    public static FarmSettings Fresh(Func<string, string?> environment, DateTime utcNow)
    {
        var settings = FromEnvironment(new FarmSettings(), environment);
        if (settings.Silos < 1 || settings.Webs < 1)
        {
            throw new FarmException("FARM_SILOS and FARM_WEBS must be at least 1");
        }

        return settings with { ClusterId = "farm-" + utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) };
    }

    /// <summary>For every other command: farm.env (when there is one) over the environment.</summary>
    public static FarmSettings Load(string farmEnv, Func<string, string?> environment)
    {
        var settings = FromEnvironment(new FarmSettings(), environment);
        if (!File.Exists(farmEnv))
        {
            return settings;
        }

        foreach (var line in File.ReadAllLines(farmEnv))
        {
            var equals = line.IndexOf('=');
            var field = equals < 0 ? default : Fields.FirstOrDefault(f => f.Key == line[..equals]);
            if (field.Key is not null)
            {
                settings = field.Set(settings, Unquote(line[(equals + 1)..]));
            }
        }

        return settings;
    }

    public void Save(string farmEnv) => File.WriteAllLines(farmEnv, Fields.Select(f => $"{f.Key}={f.Get(this)}"));

    private static FarmSettings FromEnvironment(FarmSettings settings, Func<string, string?> environment)
    {
        foreach (var field in Fields.Where(f => f.Variable.Length > 0))
        {
            if (environment(field.Variable) is { } value)
            {
                settings = field.Set(settings, value);
            }
        }

        return settings with
        {
            Timeout = environment("FARM_TIMEOUT") is { } t ? Number("TIMEOUT", t) : settings.Timeout,
            StopTimeout = environment("FARM_STOP_TIMEOUT") is { } st ? Number("STOP_TIMEOUT", st) : settings.StopTimeout,
            KeepOnFailure = environment("FARM_KEEP_ON_FAILURE") == "1",
        };
    }

    private static int Number(string name, string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FarmException($"{name} must be a number (got '{value}')");

    private static FarmStorageKind StorageKind(string value) => value.ToLowerInvariant() switch
    {
        "azure" => FarmStorageKind.Azure,
        "redis" => FarmStorageKind.Redis,
        "postgres" => FarmStorageKind.Postgres,
        _ => throw new FarmException($"--storage must be azure, redis or postgres (got '{value}')"),
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    // farm.env files written by the former bash farm.sh quote with printf %q; plain values need none.
    private static string Unquote(string value)
        => value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' ? value[1..^1] : value.Replace("\\", "", StringComparison.Ordinal);
}
