using Microsoft.Extensions.Options;
using SessionGrains.Web;

// The demo: see DemoAppSetup for what it reads from configuration. appsettings*.json are read from beside the dll,
// whatever the working directory.
var app = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory })
    .ConfigureDemo().Build().UseDemo();
try
{
    app.Run();
}
catch (OptionsValidationException invalid)
{
    // Refused configuration (e.g. no session secret outside Development): say which key to set, exit non-zero.
    Console.Error.WriteLine($"SessionGrains.Web cannot start: {invalid.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    // Start-up was cancelled: stopped (SIGTERM) while the cluster client was still connecting. A normal shutdown.
}

return 0;
