using SessionGrains.AspNetCore;
using SessionGrains.Hosting;

namespace SessionGrains.Silo;

/// <summary>
/// The standalone silo's whole set-up, used by Program.cs and by the deployment tests (which bind the Kubernetes
/// manifests' environment through it). Configuration: section "Cluster" (SessionClusterOptions: providers, connection
/// string, ports, ClusterId/ServiceId), section "SessionGrains" (SessionSiloOptions: limits, intervals), section "Dashboard"
/// (SiloDashboardOptions: the Orleans Dashboard, off by default), section "Telemetry" (HostTelemetryOptions: /metrics),
/// section "SessionStoreApi" (the session API for other front ends at /session-store, mapped when a token is set; section
/// "Session" gives the timeouts of the sessions it creates), --urls for /healthz, /healthz/ready and the dashboard.
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
        // The session API for other front ends (mapped when SessionStoreApi:Tokens:0 is set): its grain calls read this
        // silo's activations locally; sessions it creates take section "Session"'s IdleTimeout/AbsoluteTimeout.
        builder.Services.AddSessionStoreApi(builder.Configuration.GetSection(SessionStoreApiOptions.SectionName));
        builder.Services.AddOptions<SessionFrontEndOptions>().Bind(builder.Configuration.GetSection("Session"));
        builder.Services.AddHealthChecks()
            .AddSessionSiloMembership(tags: [SessionHealthEndpoints.LiveTag, SessionHealthEndpoints.ReadyTag])
            .AddSessionStorage(tags: [SessionHealthEndpoints.ReadyTag]);
        return builder.AddHostTelemetry();
    }

    /// <summary>
    /// /healthz: 200 while this silo is an Active cluster member; /healthz/ready: and its session storage answers; the
    /// dashboard when enabled; the session API when a token is configured.
    /// </summary>
    public static WebApplication MapSiloEndpoints(this WebApplication app)
    {
        app.MapSessionHealthChecks();
        app.MapHostTelemetry();
        app.MapSessionStoreApi();
        return app.MapSiloDashboard();
    }
}
