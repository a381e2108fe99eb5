using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionGrains.LocalFarm;

namespace SessionGrains.AppHost;

/// <summary>AddPostgresServer: Debian's PostgreSQL as an executable (no container engine), started as the local farm starts it, on a port Aspire allocates.</summary>
internal static class PostgresServerBuilderExtensions
{
    /// <summary>
    /// postgres over a data folder made anew by initdb before each start (in the temporary folder; one such AppHost per
    /// machine at a time); healthy once it answers a query.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgresServer(this IDistributedApplicationBuilder builder, string name)
    {
        var data = Path.Combine(Path.GetTempPath(), $"sessiongrains-aspire-{name}");
        string[] command = PostgresServer.ServerCommand(data);
        var postgres = new PostgresServerResource(name, command[0], "/");
        var check = $"{name}-query";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, async cancellation =>
            await PostgresServer.IsReadyAsync(postgres.Endpoint.Port, cancellation) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("no answer to SELECT 1"));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(postgres, async (_, cancellation) =>
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            await PostgresServer.InitializeAsync(data, data + ".log", cancellation);
        });
        return builder.AddResource(postgres)
            .WithEndpoint(name: PostgresServerResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var argument in command[1..])
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-p");
                context.Args.Add(postgres.Endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(check);
    }
}
