using SessionGrains.AspNetCore;
using SessionGrains.Hosting;

namespace SessionGrains.Web;

/// <summary>
/// The demo's whole set-up, used by Program.cs and by the deployment tests (which bind the Kubernetes manifests'
/// environment through it). Cluster:Mode = CoHosted (default: a silo in this process; localhost clustering, SingleSiloMemory
/// storage when it is its own primary) or Client (a front end of a separate silo cluster). Section "Cluster" chooses the providers, section
/// "Session" the middleware, section "Telemetry" the /metrics endpoint (HostTelemetryOptions), section "SessionStoreApi"
/// the session API for other front ends (/session-store, mapped when a token is set). Data Protection (cookie
/// authentication, antiforgery: <see cref="DemoAccountSetup"/>) keeps its key ring in the cluster.
/// </summary>
public static class DemoAppSetup
{
    /// <summary>Registers the Orleans silo or client and the session services, and listens on loopback unless a URL is configured.</summary>
    public static WebApplicationBuilder ConfigureDemo(this WebApplicationBuilder builder)
    {
        if (new[] { WebHostDefaults.ServerUrlsKey, WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey }.All(key => string.IsNullOrEmpty(builder.Configuration[key])))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5000");
        }

        var cluster = builder.Configuration.GetSection(SessionClusterOptions.SectionName).Get<SessionClusterOptions>() ?? new();
        var health = builder.Services.AddHealthChecks();
        if (builder.Configuration.GetValue("Cluster:Mode", FrontEndMode.CoHosted) == FrontEndMode.Client)
        {
            builder.UseOrleansClient(client => client.UseSessionCluster(cluster));
            builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true); // serve /healthz while connecting
            health.AddSessionClusterCheck(tags: [SessionHealthEndpoints.ReadyTag]);
        }
        else
        {
            // A silo of its own (localhost clustering, its own primary) keeps sessions in its own memory, with no
            // storage-grain hop, unless Cluster:GrainStorage says otherwise.
            if (cluster.Clustering == ClusteringProvider.Localhost && cluster.PrimarySiloPort == cluster.SiloPort
                && builder.Configuration["Cluster:GrainStorage"] is null)
            {
                cluster.GrainStorage = GrainStorageProvider.SingleSiloMemory;
            }

            builder.UseOrleans(silo => silo
                .UseSessionCluster(cluster, builder.Configuration.GetSection("SessionGrains"))
                .AddSessionLifecycleHandler<DemoSessionEventLogger>());
            health.AddSessionClusterCheck(tags: [SessionHealthEndpoints.ReadyTag])
                .AddSessionSiloMembership(tags: [SessionHealthEndpoints.LiveTag, SessionHealthEndpoints.ReadyTag])
                .AddSessionStorage(tags: [SessionHealthEndpoints.ReadyTag]);
        }

        builder.Services.AddDemoSessions(builder.Configuration, builder.Environment);
        builder.Services.AddDemoAccounts(); // after UseOrleans/UseOrleansClient: the key ring is read once they have started
        builder.Services.AddSessionStoreApi(builder.Configuration.GetSection(SessionStoreApiOptions.SectionName));
        return builder.AddHostTelemetry();
    }

    /// <summary>
    /// The session middleware, the demo's endpoints and its health endpoints: /healthz (liveness: a co-hosted silo is an
    /// Active member; a client front end always passes) and /healthz/ready (the cluster answers; a co-hosted silo's storage too); /metrics when configured.
    /// </summary>
    public static WebApplication UseDemo(this WebApplication app)
    {
        app.UseGrainSessions();
        app.MapSessionHealthChecks();
        app.MapHostTelemetry();
        app.MapDemoEndpoints();
        app.MapDemoUserSessionEndpoints();
        app.MapDemoAccountEndpoints();
        app.MapSessionStoreApi(); // only when SessionStoreApi:Tokens:0 is set
        return app;
    }
}
