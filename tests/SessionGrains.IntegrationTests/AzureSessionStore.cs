using Azure.Data.Tables;
using Azure.Storage.Blobs;
using SessionGrains.Hosting;

namespace SessionGrains.IntegrationTests;

/// <summary>Azure Table or Blob grain storage with Azure Table reminders, on the tests' Azurite.</summary>
public sealed class AzureSessionStore(AzuriteServer azurite, GrainStorageProvider storage) : IDurableSessionStore
{
    public SessionClusterOptions Settings(string serviceId) => new()
    {
        GrainStorage = storage,
        Reminders = ReminderProvider.AzureTable,
        StorageConnectionString = azurite.ConnectionString,
        ServiceId = serviceId,
    };

    public async Task<int> CountRecordsAsync(SessionClusterOptions settings, string key)
        => storage == GrainStorageProvider.AzureBlob
            ? (await BlobsOf(settings, key)).Count
            : (await RowsOf(settings, "OrleansGrainState", key)).Count;

    public async Task<int> CountRemindersAsync(SessionClusterOptions settings, string key)
        => (await RowsOf(settings, "OrleansReminders", key)).Count;

    /// <inheritdoc />
    /// <remarks>Its blob, or its table row's property values.</remarks>
    public async Task<long> StoredBytesAsync(SessionClusterOptions settings, string key)
        => storage == GrainStorageProvider.AzureBlob
            ? (await BlobsOf(settings, key)).Sum(blob => blob.Properties.ContentLength ?? 0)
            : (await RowsOf(settings, "OrleansGrainState", key)).Sum(row =>
                ((IDictionary<string, object>)row).Values.Sum(v => v switch { string text => text.Length, byte[] bytes => bytes.Length, _ => 8 }));

    /// <inheritdoc />
    /// <remarks>The rows of the service's partitions in the index table whose key is <paramref name="key"/>.</remarks>
    public async Task<int> CountIndexEntriesAsync(SessionClusterOptions settings, string key)
    {
        var table = new TableServiceClient(settings.StorageConnectionString).GetTableClient(AzureTableSessionExpiryIndex.DefaultTableName);
        var service = AzureTableSessionExpiryIndex.EscapeKey(settings.ServiceId);
        var count = 0;
        try
        {
            // Partitions "{service}_...": from "{service}_" up to "{service}`" ('`' follows '_').
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey gt {service + "_"} and PartitionKey lt {service + "`"}")))
            {
                count += AzureTableSessionExpiryIndex.KeyOf(row) == key ? 1 : 0;
            }
        }
        catch (Azure.RequestFailedException exception) when (exception.Status == 404)
        {
            return 0; // no index table yet
        }

        return count;
    }

    private static async Task<List<TableEntity>> RowsOf(SessionClusterOptions settings, string table, string key)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in new TableServiceClient(settings.StorageConnectionString).GetTableClient(table).QueryAsync<TableEntity>())
        {
            if (row.PartitionKey.Contains(key, StringComparison.Ordinal) || row.RowKey.Contains(key, StringComparison.Ordinal)
                || (row.TryGetValue("GrainReference", out var grain) && grain?.ToString()?.Contains(key, StringComparison.Ordinal) == true))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    private static async Task<List<Azure.Storage.Blobs.Models.BlobItem>> BlobsOf(SessionClusterOptions settings, string key)
    {
        var blobs = new List<Azure.Storage.Blobs.Models.BlobItem>();
        await foreach (var blob in new BlobServiceClient(settings.StorageConnectionString).GetBlobContainerClient("grainstate").GetBlobsAsync())
        {
            if (blob.Name.Contains(key, StringComparison.Ordinal))
            {
                blobs.Add(blob);
            }
        }

        return blobs;
    }
}
