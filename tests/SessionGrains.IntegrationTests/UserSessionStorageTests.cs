using System.Text;
using SessionGrains.Hosting;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>Users' session indexes on Azure Table and Blob storage (Azurite): they persist, and leave no row or index entry behind.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class UserSessionStorageTests(AzuriteServer azurite)
{
    private static readonly SessionTimeouts TwentyMinutes = new(TimeSpan.FromMinutes(20));

    [Theory]
    [InlineData(GrainStorageProvider.AzureTable)]
    [InlineData(GrainStorageProvider.AzureBlob)]
    public async Task The_index_and_bindings_survive_reactivation_and_nothing_is_left_once_the_sessions_end(GrainStorageProvider storage)
    {
        var testSilo = new SessionTestSilo();
        await using var cluster = await DurableSessionCluster.StartAsync(
            new AzureSessionStore(azurite, storage), testSilo, "it-" + Guid.NewGuid().ToString("N")[..12]);
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        var index = cluster.Grains.GetGrain<IUserSessionsGrain>(user);
        var ids = new[] { SessionTestSilo.NewSessionId(), SessionTestSilo.NewSessionId() };
        var handles = new List<string>();
        foreach (var id in ids)
        {
            await cluster.Session(id).CreateAsync(TwentyMinutes, new SessionChangeSet { Sets = new() { ["n"] = Encoding.UTF8.GetBytes("1") } });
            handles.Add((await index.BindAsync(id, new SessionDevice("Browser/1.0", "198.51.100.4"), UserSessionLimit.None)).Binding!.Handle);
        }

        Assert.Equal(1, await cluster.CountRecordsAsync(user));
        Assert.Single(await cluster.IndexEntriesAsync(user, Server.SessionExpiryEntryKind.UserIndex)); // the index's sweep
        Assert.Equal(0, await cluster.CountRemindersAsync(user));
        await cluster.Cluster.DeactivateAsync(index);
        foreach (var id in ids)
        {
            await cluster.Cluster.DeactivateAsync(cluster.Session(id));
        }

        var listed = await index.ListAsync(); // the index and both bindings read back from storage
        Assert.Equal(handles.Order(), listed.Select(s => s.Handle).Order());
        Assert.All(listed, s => Assert.Equal(new SessionDevice("Browser/1.0", "198.51.100.4"), s.Device));

        Assert.True(await index.RevokeAsync(handles[0]));
        await cluster.Session(ids[1]).DestroyAsync();

        // The emptied index deletes its record, then its entry (found by its due time when this activation set it, else when due).
        await SessionTestSilo.WaitUntilAsync(async () => await cluster.CountRecordsAsync(user) == 0, "the emptied index deletes its record");
        testSilo.Clock.Advance(TimeSpan.FromMinutes(21));
        await SessionTestSilo.WaitUntilAsync(async () => (await cluster.IndexEntriesAsync(user, Server.SessionExpiryEntryKind.UserIndex)).Count == 0,
            "the emptied index's entry is gone");
        foreach (var id in ids)
        {
            Assert.Equal(0, await cluster.CountRecordsAsync(id));
            await SessionTestSilo.WaitUntilAsync(async () => (await cluster.IndexEntriesAsync(id)).Count == 0, "the ended session's entry is gone");
        }
    }
}
