using Aspire.Hosting.ApplicationModel;

namespace SessionGrains.AppHost;

/// <summary>AddAzurite: Azurite from deploy/local's node_modules, in memory, on loopback, ports allocated by Aspire.</summary>
internal static class AzuriteBuilderExtensions
{
    /// <summary>
    /// Adds Azurite as an executable. <paramref name="deployLocal"/> is the folder whose <c>npm ci</c> installed it
    /// (deploy/local). Its data is kept in memory: each run of the AppHost starts with empty storage.
    /// </summary>
    public static IResourceBuilder<AzuriteResource> AddAzurite(this IDistributedApplicationBuilder builder, string name, string deployLocal)
    {
        var executable = Path.Combine(deployLocal, "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: run 'npm ci' in {deployLocal} first");
        }

        var azurite = new AzuriteResource(name, executable, deployLocal);
        return builder.AddResource(azurite)
            .WithHttpEndpoint(name: AzuriteResource.Blob)
            .WithHttpEndpoint(name: AzuriteResource.Queue)
            .WithHttpEndpoint(name: AzuriteResource.Table)
            .WithArgs(context =>
            {
                context.Args.Add("--silent");
                context.Args.Add("--inMemoryPersistence");
                foreach (var (service, endpoint) in new[]
                {
                    ("blob", azurite.BlobEndpoint), ("queue", azurite.QueueEndpoint), ("table", azurite.TableEndpoint),
                })
                {
                    context.Args.Add($"--{service}Host");
                    context.Args.Add("127.0.0.1");
                    context.Args.Add($"--{service}Port");
                    context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                }

                context.Args.Add("--skipApiVersionCheck");
                context.Args.Add("--loose");
                context.Args.Add("--disableTelemetry"); // outbound calls, and it delays exit on SIGTERM
            })
            // Azurite answers 400 to a bare GET /: that it answers at all is the readiness the farm uses too.
            .WithHttpHealthCheck("/", statusCode: 400, endpointName: AzuriteResource.Blob)
            .WithHttpHealthCheck("/", statusCode: 400, endpointName: AzuriteResource.Table);
    }
}
