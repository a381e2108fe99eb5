using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionGrains.LocalFarm;

namespace SessionGrains.AppHost;

/// <summary>AddRedisServer: Debian's redis-server as an executable (no container engine), started as the local farm starts it, on a port Aspire allocates.</summary>
internal static class RedisServerBuilderExtensions
{
    /// <summary>redis-server, nothing saved; healthy once it answers PING.</summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var folder = Path.GetTempPath();
        var redis = new RedisServerResource(name, RedisServer.RequireExecutable(), folder);
        var check = $"{name}-ping";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, async cancellation =>
            await RedisServer.IsReadyAsync(redis.Endpoint.Port, cancellation) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("no PONG"));
        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var argument in RedisServer.Arguments(folder, appendOnly: false))
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(check);
    }
}
