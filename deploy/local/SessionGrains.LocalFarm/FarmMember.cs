namespace SessionGrains.LocalFarm;

/// <summary>One process of the farm: its name (azurite, redis or postgres, silo1, web2, express, nginx), the ports it holds, and its health URL (readiness: serving sessions).</summary>
internal sealed record FarmMember(string Name, MemberKind Kind, IReadOnlyList<int> Ports, Uri Health)
{
    /// <summary>Every process of the farm, in start order.</summary>
    public static IReadOnlyList<FarmMember> All(FarmSettings settings)
        =>
        [
            Storage(settings),
            .. Enumerable.Range(1, settings.Silos).Select(n => Silo(settings, n)),
            .. Enumerable.Range(1, settings.Webs).Select(n => Web(settings, n)),
            .. settings.Express ? [Express(settings)] : Array.Empty<FarmMember>(),
            Nginx(settings),
        ];

    /// <summary>The storage server: Azurite (healthy when it answers HTTP), redis-server (when it answers PING) or postgres (a query).</summary>
    public static FarmMember Storage(FarmSettings s) => s.Storage switch
    {
        FarmStorageKind.Redis => new("redis", MemberKind.Storage, [s.RedisPort], new Uri($"redis://127.0.0.1:{s.RedisPort}")),
        FarmStorageKind.Postgres => new("postgres", MemberKind.Storage, [s.PostgresPort], new Uri($"postgres://127.0.0.1:{s.PostgresPort}")),
        _ => new("azurite", MemberKind.Storage, AzuritePorts.From(s.AzuritePort).All, Url(s.AzuritePort, "/")),
    };

    public static FarmMember Silo(FarmSettings s, int n)
        => new($"silo{n}", MemberKind.Silo, [s.SiloPort + n - 1, s.GatewayPort + n - 1, s.SiloHealthPort + n - 1],
            Url(s.SiloHealthPort + n - 1, "/healthz/ready"));

    public static FarmMember Web(FarmSettings s, int n)
        => new($"web{n}", MemberKind.Web, [s.WebPort + n - 1], Url(s.WebPort + n - 1, "/healthz/ready"));

    /// <summary>The express front end (deploy/local/express), its pages under /express/.</summary>
    public static FarmMember Express(FarmSettings s) => new("express", MemberKind.Express, [s.ExpressPort], Url(s.ExpressPort, "/express/healthz/ready"));

    /// <summary>nginx: the public port, and the internal session API port.</summary>
    public static FarmMember Nginx(FarmSettings s) => new("nginx", MemberKind.Nginx, [s.NginxPort, s.StoreApiPort], Url(s.NginxPort, "/healthz/ready"));

    /// <summary>The express front end (no numbers), or silo or web numbers given as text; fails with the usage unless there is at least one, each 1..count, none twice.</summary>
    public static IReadOnlyList<FarmMember> ParseMany(FarmSettings settings, MemberKind kind, IReadOnlyList<string> numbers, string action)
    {
        if (kind == MemberKind.Express)
        {
            return settings.Express && numbers.Count == 0
                ? [Express(settings)]
                : throw new FarmException(settings.Express ? $"usage: farm.sh {action}" : "the farm has no express front end (FARM_EXPRESS=0)");
        }

        var max = kind == MemberKind.Silo ? settings.Silos : settings.Webs;
        var indexes = new List<int>();
        foreach (var n in numbers)
        {
            if (!int.TryParse(n, System.Globalization.NumberStyles.None, null, out var index) || index < 1 || index > max || indexes.Contains(index))
            {
                indexes.Clear();
                break;
            }

            indexes.Add(index);
        }

        if (indexes.Count == 0)
        {
            throw new FarmException($"usage: farm.sh {action} N... (N = 1..{max}, one or more, acted on together)");
        }

        return indexes.Select(index => kind == MemberKind.Silo ? Silo(settings, index) : Web(settings, index)).ToArray();
    }

    private static Uri Url(int port, string path) => new($"http://127.0.0.1:{port}{path}");
}
