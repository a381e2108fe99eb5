using SessionGrains.Web;

// The demo: see DemoAppSetup for what it reads from configuration.
var app = WebApplication.CreateBuilder(args).ConfigureDemo().Build().UseDemo();
try
{
    app.Run();
}
catch (OperationCanceledException)
{
    // Start-up was cancelled: stopped (SIGTERM) while the cluster client was still connecting. A normal shutdown.
}
