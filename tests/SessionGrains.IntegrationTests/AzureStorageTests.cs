using System.Text;
using SessionGrains.Hosting;
using SessionGrains.TestSupport;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>Sessions on Azure Table and Blob storage (Azurite): persistence, and nothing left behind when they end.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageTests(AzuriteServer azurite, ITestOutputHelper output)
{
    private static readonly SessionTimeouts TwentyMinutes = new(TimeSpan.FromMinutes(20));

    private static string NewId() => SessionTestSilo.NewSessionId();

    private static string NewServiceId() => "it-" + Guid.NewGuid().ToString("N")[..12];

    private static SessionChangeSet Set(string key, string value) => new() { Sets = new() { [key] = Encoding.UTF8.GetBytes(value) } };

    private static async Task<int> CountStoredAsync(AzureSessionCluster cluster, GrainStorageProvider storage, string id)
        => storage == GrainStorageProvider.AzureTable ? await cluster.CountTableRowsAsync(id) : await cluster.CountBlobsAsync(id);

    [Theory]
    [InlineData(GrainStorageProvider.AzureTable)]
    [InlineData(GrainStorageProvider.AzureBlob)]
    public async Task A_session_round_trips_through_storage_and_destroy_deletes_it(GrainStorageProvider storage)
    {
        await using var cluster = await AzureSessionCluster.StartAsync(azurite, new SessionTestSilo(), storage, NewServiceId());
        var id = NewId();
        var session = cluster.Session(id);
        await session.CreateAsync(TwentyMinutes, Set("user", "ada"));
        await session.ApplyAsync(Set("cart", new string('x', 100_000))); // large values survive the provider's encoding
        Assert.Equal(1, await CountStoredAsync(cluster, storage, id));

        await cluster.Cluster.DeactivateAsync(session);
        var reloaded = await session.LoadAsync();

        Assert.NotNull(reloaded);
        Assert.Equal("ada", Encoding.UTF8.GetString(reloaded.Data["user"]));
        Assert.Equal(100_000, reloaded.Data["cart"].Length);
        Assert.Equal(2, reloaded.Version);

        await session.DestroyAsync();
        Assert.Equal(0, await CountStoredAsync(cluster, storage, id));
        Assert.Equal(0, await cluster.CountReminderRowsAsync(id));
    }

    [Theory]
    [InlineData(GrainStorageProvider.AzureTable)]
    [InlineData(GrainStorageProvider.AzureBlob)]
    public async Task The_operation_log_keeps_a_busy_session_record_bounded(GrainStorageProvider storage)
    {
        await using var cluster = await AzureSessionCluster.StartAsync(azurite, new SessionTestSilo(), storage, NewServiceId());
        var id = NewId();
        var session = cluster.Session(id);
        var retained = new Server.SessionSiloOptions().MaxRetainedOperations;
        await session.CreateAsync(TwentyMinutes, Set("user", "ada"), Guid.NewGuid());
        var created = await cluster.StoredBytesAsync(storage, id);
        for (var i = 1; i < retained; i++)
        {
            await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());
        }

        var full = await cluster.StoredBytesAsync(storage, id);
        for (var i = 0; i < 2 * retained; i++)
        {
            await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());
        }

        var later = await cluster.StoredBytesAsync(storage, id);
        output.WriteLine($"{storage}: {created} B with 1 operation, {full} B with {retained}, {later} B after {2 * retained} more; " +
            $"{(full - created) / (retained - 1.0):F0} B per retained operation");
        Assert.InRange(later, full, full + 2 * retained + 8); // only the digits of versions, values and the counter grow
    }

    [Theory]
    [InlineData(GrainStorageProvider.AzureTable)]
    [InlineData(GrainStorageProvider.AzureBlob)]
    public async Task Expiry_deletes_the_stored_session_and_its_reminder(GrainStorageProvider storage)
    {
        var testSilo = new SessionTestSilo();
        await using var cluster = await AzureSessionCluster.StartAsync(azurite, testSilo, storage, NewServiceId());
        var lazy = NewId();
        var byReminder = NewId();
        await cluster.Session(lazy).CreateAsync(TwentyMinutes, Set("a", "1"));
        await cluster.Session(byReminder).CreateAsync(TwentyMinutes, Set("b", "2"));
        Assert.Equal(1, await cluster.CountReminderRowsAsync(byReminder));
        await cluster.Cluster.DeactivateAsync(cluster.Session(byReminder));

        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));

        Assert.Null(await cluster.Session(lazy).LoadAsync());
        Assert.Equal(0, await CountStoredAsync(cluster, storage, lazy));
        await SessionTestSilo.WaitUntilAsync(async () => await CountStoredAsync(cluster, storage, byReminder) == 0, "the reminder deletes the idle session");
        await SessionTestSilo.WaitUntilAsync(async () => await cluster.CountReminderRowsAsync(byReminder) == 0, "the reminder unregisters itself");
    }
}
