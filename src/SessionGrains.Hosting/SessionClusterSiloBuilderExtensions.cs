using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using SessionGrains.Server;

namespace SessionGrains.Hosting;

/// <summary>Configures a SessionGrains silo from <see cref="SessionClusterSettings"/>.</summary>
public static class SessionClusterSiloBuilderExtensions
{
    /// <summary>The largest MaxSessionBytes that fits an Azure Table entity (~950 KB) after base64 and JSON encoding.</summary>
    public const int AzureTableMaxSessionBytes = 256 * 1024;

    /// <summary>
    /// Clustering, endpoints, the "sessions" grain storage, reminders and the session grain, as
    /// <paramref name="settings"/> says. <paramref name="sessionGrains"/> (e.g. the "SessionGrains" section) binds
    /// <see cref="SessionGrainOptions"/>.
    /// </summary>
    public static ISiloBuilder UseSessionCluster(this ISiloBuilder silo, SessionClusterSettings settings, IConfiguration? sessionGrains = null)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });

        var address = IPAddress.Parse(settings.AdvertisedAddress);
        if (settings.Clustering == ClusteringProvider.Localhost)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort,
                new IPEndPoint(address, settings.PrimarySiloPort), settings.ServiceId, settings.ClusterId);
        }
        else
        {
            silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(settings.StorageConnectionString));
            silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
        }

        if (settings.Kubernetes)
        {
            silo.UseKubernetesHosting();
        }

        return silo.AddSessionProviders(settings, sessionGrains);
    }

    /// <summary>
    /// The "sessions" grain storage, the reminder service, failure detection and the session grain, as
    /// <paramref name="settings"/> says, without clustering: for silos whose clustering is set up elsewhere (e.g.
    /// Orleans' TestingHost).
    /// </summary>
    public static ISiloBuilder AddSessionProviders(this ISiloBuilder silo, SessionClusterSettings settings, IConfiguration? sessionGrains = null)
    {
        var detection = settings.FailureDetection;
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = detection.ProbeTimeout;
            o.NumMissedProbesLimit = detection.NumMissedProbesLimit;
            o.NumVotesForDeathDeclaration = detection.NumVotesForDeathDeclaration;
        });

        switch (settings.GrainStorage)
        {
            case GrainStorageProvider.AzureTable:
                silo.AddAzureTableGrainStorage(SessionGrainOptions.DefaultStorageName, o =>
                {
                    o.TableServiceClient = new TableServiceClient(settings.StorageConnectionString);
                    o.DeleteStateOnClear = true; // destroyed and expired sessions leave no row (the default keeps it)
                });
                break;
            case GrainStorageProvider.AzureBlob:
                silo.AddAzureBlobGrainStorage(SessionGrainOptions.DefaultStorageName, o =>
                {
                    o.BlobServiceClient = new BlobServiceClient(settings.StorageConnectionString);
                    o.DeleteStateOnClear = true;
                });
                break;
            default:
                silo.AddSessionMemoryStorage();
                break;
        }

        if (settings.Reminders == ReminderProvider.AzureTable)
        {
            silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(settings.StorageConnectionString));
        }
        else
        {
            silo.UseInMemoryReminderService();
        }

        silo.AddSessionGrains(o => sessionGrains?.Bind(o));
        silo.Services.AddOptions<SessionGrainOptions>().Validate(
            o => settings.GrainStorage != GrainStorageProvider.AzureTable || o.MaxSessionBytes <= AzureTableMaxSessionBytes,
            $"SessionGrains:MaxSessionBytes exceeds {AzureTableMaxSessionBytes}, more than an Azure Table entity holds; use Cluster:GrainStorage=AzureBlob for larger sessions.");
        return silo;
    }
}
