namespace SessionGrains.Tests.Shared;

/// <summary>
/// Configuration for a host built by this repository's set-up (the demo co-hosted, or the silo host) that runs beside
/// others on one machine: free loopback silo and gateway ports, its own cluster, and quiet logs.
/// </summary>
public static class LoopbackHostConfiguration
{
    /// <summary>The settings, plus <paramref name="extra"/> (which wins).</summary>
    public static Dictionary<string, string?> Create(string clusterPrefix, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var (silo, gateway) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        var settings = new Dictionary<string, string?>
        {
            ["Cluster:SiloPort"] = $"{silo}",
            ["Cluster:PrimarySiloPort"] = $"{silo}",
            ["Cluster:GatewayPort"] = $"{gateway}",
            ["Cluster:GatewayPorts:0"] = $"{gateway}",
            ["Cluster:ClusterId"] = clusterPrefix + "-" + Guid.NewGuid().ToString("N")[..8],
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
