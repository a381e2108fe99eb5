using SessionGrains.Hosting;

namespace SessionGrains.Web;

/// <summary>
/// The demo's whole set-up, used by Program.cs and by the deployment tests (which bind the Kubernetes manifests'
/// environment through it). Cluster:Mode = CoHosted (default: a silo in this process; localhost clustering, memory
/// storage) or Client (a front end of a separate silo cluster). Section "Cluster" chooses the providers, section
/// "Session" the middleware.
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
        if (builder.Configuration.GetValue("Cluster:Mode", FrontEndMode.CoHosted) == FrontEndMode.Client)
        {
            builder.UseOrleansClient(client => client.UseSessionCluster(cluster));
            builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true); // serve /healthz while connecting
        }
        else
        {
            builder.UseOrleans(silo => silo
                .UseSessionCluster(cluster, builder.Configuration.GetSection("SessionGrains"))
                .AddSessionLifecycleHandler<DemoSessionEventLogger>());
        }

        builder.Services.AddDemoSessions(builder.Configuration);
        return builder;
    }

    /// <summary>The session middleware and the demo's endpoints (including /healthz).</summary>
    public static WebApplication UseDemo(this WebApplication app)
    {
        app.UseGrainSessions();
        app.MapDemoEndpoints();
        app.MapDemoUserSessionEndpoints();
        return app;
    }
}
