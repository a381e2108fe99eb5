using SessionGrains.Silo;

// A standalone silo: see SiloAppSetup for what it reads from configuration (appsettings.json from beside the dll).
// "setup-database" applies the PostgreSQL schema of the AdoNet providers and exits instead (DatabaseSetupCommand).
if (args is [DatabaseSetupCommand.Name, .. var rest])
{
    var setup = WebApplication.CreateBuilder(new WebApplicationOptions { Args = rest, ContentRootPath = AppContext.BaseDirectory });
    return await DatabaseSetupCommand.RunAsync(setup, Console.Out, Console.Error);
}

WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }).ConfigureSilo().Build().MapSiloEndpoints().Run();
return 0;
