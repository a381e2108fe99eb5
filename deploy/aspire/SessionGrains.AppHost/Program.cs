using Aspire.Hosting.ApplicationModel;
using SessionGrains.AppHost;

// The local farm under Aspire: its store as an executable (no container engine needed), 3 silos, 2 client-mode front
// ends. The store is the parameter "storage": azurite (the default; needs 'npm ci' in deploy/local), redis or postgresql
// (Debian's redis-server or PostgreSQL). Run: dotnet run --project deploy/aspire/SessionGrains.AppHost [-- --Parameters:storage=redis]
const string ClusterId = "sessiongrains-aspire", ServiceId = "sessiongrains-aspire";

var builder = DistributedApplication.CreateBuilder(args);
var deployLocal = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "..", "local"));

var kind = SessionStorageParameter.Read(builder.Configuration);
IResourceBuilder<IResourceWithConnectionString> storage = kind switch
{
    SessionStorage.Redis => builder.AddRedisServer("redis"),
    SessionStorage.PostgreSql => builder.AddPostgresServer("postgres"),
    _ => builder.AddAzurite("azurite", deployLocal),
};
var provider = new SessionStorageProvider(kind, storage);
var orleans = builder.AddOrleans("cluster")
    .WithClusterId(ClusterId)
    .WithServiceId(ServiceId)
    .WithClustering(provider)
    .WithGrainStorage("sessions", provider)
    .WithReminders(provider);

// Secrets as parameters: set Parameters:session-secret / Parameters:dashboard-password (user secrets, environment),
// or each run generates its own.
var sessionSecret = builder.AddParameter("session-secret", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);
var dashboardPassword = builder.AddParameter("dashboard-password", new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true);

var silo = builder.AddProject<Projects.SessionGrains_Silo>("silo")
    .WithHttpEndpoint()
    .WithSessionSilo(orleans, ClusterId, ServiceId)
    .WithEnvironment("Dashboard__Enabled", "true")
    .WithEnvironment("Dashboard__Password", dashboardPassword)
    .WithEnvironment("Telemetry__PrometheusPath", "/metrics")
    .WithHttpHealthCheck("/healthz")
    .WithReplicas(3)
    .WaitFor(storage);

if (kind == SessionStorage.PostgreSql)
{
    // The silo's setup-database command applies the schema once, before any silo starts (as the Kubernetes overlay's init container does).
    var schema = builder.AddProject<Projects.SessionGrains_Silo>("setup-database", launchProfileName: null)
        .WithArgs("setup-database")
        .WithEnvironment(provider.ConnectionStringVariable, storage.Resource.ConnectionStringExpression)
        .WaitFor(storage);
    silo.WaitForCompletion(schema);
}

builder.AddProject<Projects.SessionGrains_Web>("web", launchProfileName: null)
    .WithHttpEndpoint()
    .WithExternalHttpEndpoints()
    .WithSessionClient(orleans, ClusterId, ServiceId)
    .WithEnvironment("Session__Secrets__0", sessionSecret)
    .WithEnvironment("Telemetry__PrometheusPath", "/metrics")
    .WithHttpHealthCheck("/healthz/ready")
    .WithReplicas(2)
    .WaitFor(storage)
    .WaitFor(silo);

builder.Build().Run();
