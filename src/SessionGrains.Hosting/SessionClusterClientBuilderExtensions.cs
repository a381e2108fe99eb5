using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SessionGrains.Hosting;
using StackExchange.Redis;

namespace Orleans.Hosting;

/// <summary>Configures a cluster client (a web front end) from <see cref="SessionClusterOptions"/>.</summary>
public static partial class SessionClusterClientBuilderExtensions
{
    /// <summary>
    /// Gateway discovery as <paramref name="cluster"/> says, and a connection that keeps retrying while the cluster
    /// starts (the client stays unavailable, and session requests answer 503, until it connects).
    /// </summary>
    public static IClientBuilder UseSessionCluster(this IClientBuilder client, SessionClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(client);
        SessionClusterOptionsValidator.ThrowIfInvalid(cluster);
        client.AddActivityPropagation(); // grain calls join the request's trace
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        if (cluster.Clustering == ClusteringProvider.Localhost)
        {
            var address = IPAddress.Parse(cluster.AdvertisedAddress);
            client.UseStaticClustering(cluster.GatewayPorts.Select(port => new IPEndPoint(address, port)).ToArray());
        }
        else if (cluster.Clustering == ClusteringProvider.AdoNet)
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = cluster.AdoNetInvariant;
                o.ConnectionString = cluster.AdoNetConnectionString;
            });
        }
        else if (cluster.Clustering == ClusteringProvider.Redis)
        {
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString));
        }
        else
        {
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(cluster.StorageConnectionString));
        }

        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = cluster.FailureDetection.GatewayListRefreshPeriod);
        client.Services.AddSingleton<IClientConnectionRetryFilter, RetryUntilConnected>();
        return client;
    }

    private sealed partial class RetryUntilConnected(ILogger<RetryUntilConnected> logger) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            ClusterNotReachable(logger, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        }

        // The client's connection events own 1300-1399.
        [LoggerMessage(1300, LogLevel.Warning, "The session cluster is not reachable yet ({Message}); retrying in 1 s.")]
        private static partial void ClusterNotReachable(ILogger logger, string message);
    }
}
