using SessionGrains.Silo;

// A standalone silo: see SiloAppSetup for what it reads from configuration (appsettings.json from beside the dll).
WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory })
    .ConfigureSilo().Build().MapSiloEndpoints().Run();
