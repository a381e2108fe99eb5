using SessionGrains.Silo;

// A standalone silo: see SiloAppSetup for what it reads from configuration.
WebApplication.CreateBuilder(args).ConfigureSilo().Build().MapSiloEndpoints().Run();
