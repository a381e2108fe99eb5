using SessionGrains.Hosting;
using SessionGrains.Web;

// The demo. Cluster:Mode = CoHosted (default: a silo in this process; localhost clustering, memory storage) or Client
// (a front end of a separate silo cluster). Section "Cluster" chooses the providers, section "Session" the middleware.
var builder = WebApplication.CreateBuilder(args);
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
    builder.UseOrleans(silo => silo.UseSessionCluster(cluster, builder.Configuration.GetSection("SessionGrains")));
}

builder.Services.AddDemoSessions(builder.Configuration);

var app = builder.Build();
app.UseGrainSessions();
app.MapDemoEndpoints();
try
{
    app.Run();
}
catch (OperationCanceledException)
{
    // Start-up was cancelled: stopped (SIGTERM) while the cluster client was still connecting. A normal shutdown.
}
