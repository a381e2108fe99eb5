using SessionGrains.Hosting;

namespace SessionGrains.Silo;

/// <summary>
/// The standalone silo's whole set-up, used by Program.cs and by the deployment tests (which bind the Kubernetes
/// manifests' environment through it). Configuration: section "Cluster" (SessionClusterOptions: providers, connection
/// string, ports, ClusterId/ServiceId), section "SessionGrains" (SessionSiloOptions: limits, intervals), section "Dashboard"
/// (SiloDashboardOptions: the Orleans Dashboard, off by default), section "Telemetry" (HostTelemetryOptions: /metrics), --urls for /healthz, /healthz/ready and the dashboard.
/// </summary>
public static class SiloAppSetup
{
    /// <summary>Registers the silo and a graceful shutdown, and listens on loopback unless a URL is configured.</summary>
    public static WebApplicationBuilder ConfigureSilo(this WebApplicationBuilder builder)
    {
        if (new[] { WebHostDefaults.ServerUrlsKey, WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey }.All(key => string.IsNullOrEmpty(builder.Configuration[key])))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:8081");
        }

        var cluster = builder.Configuration.GetSection(SessionClusterOptions.SectionName).Get<SessionClusterOptions>() ?? new();
        builder.UseOrleans(silo => silo
            .UseSessionCluster(cluster, builder.Configuration.GetSection("SessionGrains"))
            .AddSiloDashboard(builder.Configuration));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30)); // SIGTERM: deactivate and persist
        builder.Services.AddHealthChecks()
            .AddSessionSiloMembership(tags: [SessionHealthEndpoints.LiveTag, SessionHealthEndpoints.ReadyTag])
            .AddSessionStorage(tags: [SessionHealthEndpoints.ReadyTag]);
        return builder.AddHostTelemetry();
    }

    /// <summary>/healthz: 200 while this silo is an Active cluster member; /healthz/ready: and its session storage answers; the dashboard when enabled.</summary>
    public static WebApplication MapSiloEndpoints(this WebApplication app)
    {
        app.MapSessionHealthChecks();
        app.MapHostTelemetry();
        return app.MapSiloDashboard();
    }
}
