using System.Text;
using SessionGrains.Hosting;
using SessionGrains.TestSupport;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>Sessions on Azure Table and Blob storage (Azurite): the stored record stays bounded (the shared guarantees are in <see cref="DurableStorageContract"/>).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageTests(AzuriteServer azurite, ITestOutputHelper output)
{
    private static readonly SessionTimeouts TwentyMinutes = new(TimeSpan.FromMinutes(20));

    private static string NewId() => SessionTestSilo.NewSessionId();

    private static string NewServiceId() => "it-" + Guid.NewGuid().ToString("N")[..12];

    private static SessionChangeSet Set(string key, string value) => new() { Sets = new() { [key] = Encoding.UTF8.GetBytes(value) } };

    [Theory]
    [InlineData(GrainStorageProvider.AzureTable)]
    [InlineData(GrainStorageProvider.AzureBlob)]
    public async Task The_operation_log_keeps_a_busy_session_record_bounded(GrainStorageProvider storage)
    {
        var store = new AzureSessionStore(azurite, storage);
        await using var cluster = await DurableSessionCluster.StartAsync(store, new SessionTestSilo(), NewServiceId());
        var id = NewId();
        var session = cluster.Session(id);
        var retained = new Server.SessionSiloOptions().MaxRetainedOperations;
        await session.CreateAsync(TwentyMinutes, Set("user", "ada"), Guid.NewGuid());
        var created = await store.StoredBytesAsync(cluster.Settings, id);
        for (var i = 1; i < retained; i++)
        {
            await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());
        }

        var full = await store.StoredBytesAsync(cluster.Settings, id);
        for (var i = 0; i < 2 * retained; i++)
        {
            await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());
        }

        var later = await store.StoredBytesAsync(cluster.Settings, id);
        output.WriteLine($"{storage}: {created} B with 1 operation, {full} B with {retained}, {later} B after {2 * retained} more; " +
            $"{(full - created) / (retained - 1.0):F0} B per retained operation");
        Assert.InRange(later, full, full + 2 * retained + 8); // only the digits of versions, values and the counter grow
    }
}
