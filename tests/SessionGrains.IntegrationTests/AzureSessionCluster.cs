using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orleans.TestingHost;
using SessionGrains.Hosting;
using SessionGrains.Server;
using SessionGrains.TestSupport;

namespace SessionGrains.IntegrationTests;

/// <summary>An in-process cluster whose sessions and reminders live in Azurite.</summary>
public sealed class AzureSessionCluster : IAsyncDisposable
{
    private AzureSessionCluster(InProcessTestCluster cluster, SessionClusterOptions settings)
    {
        Cluster = cluster;
        Settings = settings;
    }

    public InProcessTestCluster Cluster { get; }

    public SessionClusterOptions Settings { get; }

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Starts <paramref name="silos"/> silos on <paramref name="storage"/> with Azure Table reminders.</summary>
    public static async Task<AzureSessionCluster> StartAsync(
        AzuriteServer azurite, SessionTestSilo testSilo, GrainStorageProvider storage, string serviceId, short silos = 2)
    {
        var settings = new SessionClusterOptions
        {
            GrainStorage = storage,
            Reminders = ReminderProvider.AzureTable,
            StorageConnectionString = azurite.ConnectionString,
            ServiceId = serviceId,
        };
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSessionProviders(settings);
            testSilo.ConfigureTestHooks(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new AzureSessionCluster(cluster, settings);
    }

    /// <summary>The rows of <paramref name="sessionId"/> in the grain-state table (none once the session has ended).</summary>
    public async Task<int> CountTableRowsAsync(string sessionId)
    {
        var table = new TableServiceClient(Settings.StorageConnectionString).GetTableClient("OrleansGrainState");
        var count = 0;
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.PartitionKey.Contains(sessionId, StringComparison.Ordinal) || row.RowKey.Contains(sessionId, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The blobs of <paramref name="sessionId"/> in the grain-state container.</summary>
    public async Task<int> CountBlobsAsync(string sessionId)
    {
        var container = new BlobServiceClient(Settings.StorageConnectionString).GetBlobContainerClient("grainstate");
        var count = 0;
        await foreach (var blob in container.GetBlobsAsync())
        {
            if (blob.Name.Contains(sessionId, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The size of <paramref name="sessionId"/>'s stored record: its blob, or its table row's property values.</summary>
    public async Task<long> StoredBytesAsync(GrainStorageProvider storage, string sessionId)
    {
        if (storage == GrainStorageProvider.AzureBlob)
        {
            var container = new BlobServiceClient(Settings.StorageConnectionString).GetBlobContainerClient("grainstate");
            await foreach (var blob in container.GetBlobsAsync())
            {
                if (blob.Name.Contains(sessionId, StringComparison.Ordinal))
                {
                    return blob.Properties.ContentLength ?? 0;
                }
            }

            return 0;
        }

        var table = new TableServiceClient(Settings.StorageConnectionString).GetTableClient("OrleansGrainState");
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.PartitionKey.Contains(sessionId, StringComparison.Ordinal) || row.RowKey.Contains(sessionId, StringComparison.Ordinal))
            {
                return ((IDictionary<string, object>)row).Values.Sum(v => v switch { string text => text.Length, byte[] bytes => bytes.Length, _ => 8 });
            }
        }

        return 0;
    }

    /// <summary>The session's rows in the Azure reminder table.</summary>
    public async Task<int> CountReminderRowsAsync(string sessionId)
    {
        var table = new TableServiceClient(Settings.StorageConnectionString).GetTableClient("OrleansReminders");
        var count = 0;
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.RowKey.Contains(sessionId, StringComparison.Ordinal) || row.PartitionKey.Contains(sessionId, StringComparison.Ordinal)
                || (row.TryGetValue("GrainReference", out var grain) && grain?.ToString()?.Contains(sessionId, StringComparison.Ordinal) == true))
            {
                count++;
            }
        }

        return count;
    }

    public ISessionGrain Session(string id) => Grains.GetGrain<ISessionGrain>(id);

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
