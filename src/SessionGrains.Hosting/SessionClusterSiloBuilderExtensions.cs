using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SessionGrains.Server;
using SessionGrains.Hosting;
using StackExchange.Redis;

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
        ArgumentNullException.ThrowIfNull(silo);
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
            if (cluster.Clustering == ClusteringProvider.AdoNet)
            {
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = cluster.AdoNetInvariant;
                    o.ConnectionString = cluster.AdoNetConnectionString;
                });
            }
            else if (cluster.Clustering == ClusteringProvider.Redis)
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString));
            }
            else
            {
                silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(cluster.StorageConnectionString));
            }

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
        ArgumentNullException.ThrowIfNull(silo);
        SessionClusterOptionsValidator.ThrowIfInvalid(cluster);
        var detection = cluster.FailureDetection;
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = detection.ProbeTimeout;
            o.NumMissedProbesLimit = detection.NumMissedProbesLimit;
            o.NumVotesForDeathDeclaration = detection.NumVotesForDeathDeclaration;
            o.IAmAliveTablePublishTimeout = detection.IAmAliveTablePublishTimeout;
            o.NumMissedTableIAmAliveLimit = detection.NumMissedTableIAmAliveLimit;
            o.TableRefreshTimeout = detection.TableRefreshTimeout;
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
            case GrainStorageProvider.Redis:
                silo.AddRedisGrainStorage(SessionSiloOptions.DefaultStorageName, redis => redis.Configure<Serializer>((o, serializer) =>
                {
                    o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString);
                    o.DeleteStateOnClear = true; // ended sessions leave no key; no EntryExpiry (a fixed TTL would drop live idle sessions)
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer); // binary, as on memory storage: smaller and cheaper than JSON
                }));
                break;
            case GrainStorageProvider.AdoNet:
                silo.AddAdoNetGrainStorage(SessionSiloOptions.DefaultStorageName, adoNet => adoNet.Configure<Serializer>((o, serializer) =>
                {
                    o.Invariant = cluster.AdoNetInvariant;
                    o.ConnectionString = cluster.AdoNetConnectionString;
                    o.DeleteStateOnClear = true; // ended sessions leave no row (the default keeps an empty one)
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer); // binary in the bytea payload, as on Redis
                }));
                break;
            case GrainStorageProvider.SingleSiloMemory:
                silo.AddSessionSingleSiloStorage();
                break;
            default:
                silo.AddSessionMemoryStorage();
                break;
        }

        // The expiry index lives in the store that holds the records (ISessionExpiryIndex: a record never outlives its entry).
        // Its keys carry the ServiceId Orleans gives the records, which a host calling AddSessionProviders may set elsewhere.
        static string ServiceIdOf(IServiceProvider services) => services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        switch (cluster.GrainStorage)
        {
            case GrainStorageProvider.AzureTable or GrainStorageProvider.AzureBlob: // a table in the blobs' storage account
                silo.AddSessionExpiryIndex(sp => new AzureTableSessionExpiryIndex(new TableServiceClient(cluster.StorageConnectionString), ServiceIdOf(sp)));
                break;
            case GrainStorageProvider.Redis:
                silo.AddSessionExpiryIndex(sp => new RedisSessionExpiryIndex(cluster.RedisConnectionString, ServiceIdOf(sp)));
                break;
            case GrainStorageProvider.AdoNet: // PostgreSQL: the validator refuses other invariants
                silo.AddSessionExpiryIndex(sp => new PostgresSessionExpiryIndex(cluster.AdoNetConnectionString, ServiceIdOf(sp)));
                break;
            default: // Memory and SingleSiloMemory: AddSessionGrains' in-memory index
                break;
        }

        switch (cluster.Reminders)
        {
            case ReminderProvider.AzureTable:
                silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(cluster.StorageConnectionString));
                break;
            case ReminderProvider.Redis:
                silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString));
                break;
            case ReminderProvider.AdoNet:
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = cluster.AdoNetInvariant;
                    o.ConnectionString = cluster.AdoNetConnectionString;
                });
                break;
            default:
                silo.UseInMemoryReminderService();
                break;
        }

        silo.AddSessionGrains(o => sessionGrains?.Bind(o));
        silo.Services.AddSingleton<IValidateOptions<SessionSiloOptions>>(new StorageSessionSizeValidator(cluster.GrainStorage));
        return silo;
    }
}
