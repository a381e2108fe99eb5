using SessionGrains.Hosting;
using SessionGrains.Silo;

// A standalone silo. Configuration: section "Cluster" (SessionClusterOptions: providers, connection string, ports,
// ClusterId/ServiceId), section "SessionGrains" (SessionSiloOptions: limits, intervals), --urls for /healthz.
var builder = WebApplication.CreateBuilder(args);
if (new[] { WebHostDefaults.ServerUrlsKey, WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey }.All(key => string.IsNullOrEmpty(builder.Configuration[key])))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8081");
}

var settings = builder.Configuration.GetSection(SessionClusterOptions.SectionName).Get<SessionClusterOptions>() ?? new();
builder.UseOrleans(silo => silo.UseSessionCluster(settings, builder.Configuration.GetSection("SessionGrains")));
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30)); // SIGTERM: deactivate and persist

var app = builder.Build();
app.MapGet("/healthz", SiloHealth.Check);
app.Run();
