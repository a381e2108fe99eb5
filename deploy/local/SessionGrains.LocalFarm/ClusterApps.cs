namespace SessionGrains.LocalFarm;

/// <summary>
/// Starts the published silos and client-mode front ends (and the express front end, <see cref="ExpressApp"/>), detached, with the cluster settings as environment
/// variables (clustering, grain storage and reminders on the farm's storage server, this farm's cluster and service IDs).
/// </summary>
internal sealed class ClusterApps(FarmPaths paths, FarmSettings settings, Func<string, string?> environment)
{
    public ProcessRecord Start(FarmMember member) => member.Kind switch
    {
        MemberKind.Silo => StartSilo(member),
        MemberKind.Web => StartWeb(member),
        MemberKind.Express => new ExpressApp(paths).Start(member, settings, LogOf(member)),
        _ => throw new ArgumentException($"{member.Name} is not a silo or front end", nameof(member)),
    };

    private ProcessRecord StartSilo(FarmMember silo)
    {
        var variables = ClusterEnvironment(silo: true);
        variables["Cluster__SiloPort"] = $"{silo.Ports[0]}";
        variables["Cluster__GatewayPort"] = $"{silo.Ports[1]}";
        if (settings.Dashboard)
        {
            variables["Dashboard__Enabled"] = "true"; // on every silo (its grains may be placed on any); the farm prints silo 1's
            variables["Dashboard__Password"] = File.ReadAllText(paths.DashboardPassword).Trim();
        }
        var folder = Path.Combine(paths.Bin, "silo");
        return DetachedProcess.Start(LogOf(silo), folder,
            ["dotnet", Path.Combine(folder, "SessionGrains.Silo.dll"), "--urls", $"http://127.0.0.1:{silo.Ports[2]}"], variables);
    }

    private ProcessRecord StartWeb(FarmMember web)
    {
        var variables = ClusterEnvironment(silo: false);
        variables["Cluster__Mode"] = "Client";
        variables["Session__Secrets__0"] = File.ReadAllText(paths.Secret).Trim();
        variables["Session__IdleTimeout"] = FarmSettings.SessionIdleTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture); // the express front end's too
        // The session API for the express front end, reached through nginx's internal port only (the public port refuses /session-store).
        variables["SessionStoreApi__Tokens__0"] = File.ReadAllText(paths.StoreApiToken).Trim();
        // A home of its own: the Data Protection key ring must come from the cluster, never from a shared ~/.aspnet.
        variables["HOME"] = Directory.CreateDirectory(paths.HomeOf(web.Name)).FullName;
        var folder = Path.Combine(paths.Bin, "web");
        return DetachedProcess.Start(LogOf(web), folder,
            ["dotnet", Path.Combine(folder, "SessionGrains.Web.dll"), "--urls", $"http://127.0.0.1:{web.Ports[0]}"], variables);
    }

    private string LogOf(FarmMember member) => Path.Combine(paths.Logs, member.Name + ".log");

    private Dictionary<string, string> ClusterEnvironment(bool silo) => new(new FarmStorage(paths, settings).ClusterVariables(silo))
    {
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["ASPNETCORE_ENVIRONMENT"] = environment("ASPNETCORE_ENVIRONMENT") ?? "Production",
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss ",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        ["Cluster__ClusterId"] = settings.ClusterId,
        ["Cluster__ServiceId"] = settings.ServiceId,
        ["Cluster__AdvertisedAddress"] = "127.0.0.1",
        ["Telemetry__PrometheusPath"] = "/metrics", // on each member's own loopback port; nginx does not pass it on
    };
}
