using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using SessionGrains.Server;
using SessionGrains.Hosting;

namespace Orleans.Hosting;

/// <summary>Configures a SessionGrains silo from <see cref="SessionClusterOptions"/>.</summary>
public static class SessionClusterSiloBuilderExtensions
{
    /// <summary>
    /// Clustering, endpoints, the "sessions" grain storage, reminders, the session grain and trace propagation, as
    /// <paramref name="cluster"/> says. <paramref name="sessionGrains"/> (e.g. the "SessionGrains" section) binds
    /// <see cref="SessionSiloOptions"/>.
    /// </summary>
    public static ISiloBuilder UseSessionCluster(this ISiloBuilder silo, SessionClusterOptions cluster, IConfiguration? sessionGrains = null)
    {
        SessionClusterOptionsValidator.ThrowIfInvalid(cluster);
        silo.AddActivityPropagation(); // grain calls join the caller's trace
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        var address = IPAddress.Parse(cluster.AdvertisedAddress);
        if (cluster.Clustering == ClusteringProvider.Localhost)
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort,
                new IPEndPoint(address, cluster.PrimarySiloPort), cluster.ServiceId, cluster.ClusterId);
        }
        else
        {
            silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(cluster.StorageConnectionString));
            silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
        }

        if (cluster.Kubernetes)
        {
            silo.UseKubernetesHosting();
        }

        return silo.AddSessionProviders(cluster, sessionGrains);
    }

    /// <summary>
    /// The "sessions" grain storage, the reminder service, failure detection and the session grain, as
    /// <paramref name="cluster"/> says, without clustering: for silos whose clustering is set up elsewhere (e.g.
    /// Orleans' TestingHost).
    /// </summary>
    public static ISiloBuilder AddSessionProviders(this ISiloBuilder silo, SessionClusterOptions cluster, IConfiguration? sessionGrains = null)
    {
        SessionClusterOptionsValidator.ThrowIfInvalid(cluster);
        var detection = cluster.FailureDetection;
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = detection.ProbeTimeout;
            o.NumMissedProbesLimit = detection.NumMissedProbesLimit;
            o.NumVotesForDeathDeclaration = detection.NumVotesForDeathDeclaration;
        });

        switch (cluster.GrainStorage)
        {
            case GrainStorageProvider.AzureTable:
                silo.AddAzureTableGrainStorage(SessionSiloOptions.DefaultStorageName, o =>
                {
                    o.TableServiceClient = new TableServiceClient(cluster.StorageConnectionString);
                    o.DeleteStateOnClear = true; // destroyed and expired sessions leave no row (the default keeps it)
                });
                break;
            case GrainStorageProvider.AzureBlob:
                silo.AddAzureBlobGrainStorage(SessionSiloOptions.DefaultStorageName, o =>
                {
                    o.BlobServiceClient = new BlobServiceClient(cluster.StorageConnectionString);
                    o.DeleteStateOnClear = true;
                });
                break;
            default:
                silo.AddSessionMemoryStorage();
                break;
        }

        if (cluster.Reminders == ReminderProvider.AzureTable)
        {
            silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(cluster.StorageConnectionString));
        }
        else
        {
            silo.UseInMemoryReminderService();
        }

        silo.AddSessionGrains(o => sessionGrains?.Bind(o));
        if (cluster.GrainStorage == GrainStorageProvider.AzureTable)
        {
            silo.Services.AddSingleton<IValidateOptions<SessionSiloOptions>, AzureTableSessionSizeValidator>();
        }
        return silo;
    }
}
