using Azure.Data.Tables;
using SessionGrains.Hosting;
using SessionGrains.Server;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>The expiry index contract on Azure Table storage (Azurite), and what only this index has to get right: its keys.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableExpiryIndexTests(AzuriteServer azurite) : ExpiryIndexContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected override Task<ISessionExpiryIndex> CreateIndexAsync(string serviceId)
        => Task.FromResult<ISessionExpiryIndex>(new AzureTableSessionExpiryIndex(new TableServiceClient(azurite.ConnectionString), serviceId));

    public static TheoryData<string> OddKeys => new()
    {
        "a/b\\c#d?e%f~g~41h", // Azure's forbidden characters, the escape character and what looks like an escape
        "tab\tnew line\ncontrol\u0001\u007F\u009Fend",
        "quotes ' \" and a space + plus & amp = eq",
        "unicodé 用户 😀",
        new string('x', 2000), // past RowKey's 1 KiB
        string.Concat(Enumerable.Repeat("😀/", 300)), // past it too, with surrogate pairs and escapes where it is cut
    };

    [Theory]
    [MemberData(nameof(OddKeys))]
    public async Task Any_user_ID_is_set_read_moved_and_removed(string key)
    {
        var serviceId = "ix-" + Guid.NewGuid().ToString("N")[..8];
        var index = await CreateIndexAsync(serviceId);
        var store = new AzureSessionStore(azurite, GrainStorageProvider.AzureTable);
        var settings = store.Settings(serviceId);
        SessionExpiryEntry Entry(DateTimeOffset dueAt) => new(SessionExpiryEntryKind.UserIndex, 5, key, dueAt);

        await index.SetAsync(Entry(T0), null);
        Assert.Equal([Entry(T0)], await index.ReadDueAsync(SessionExpiryEntryKind.UserIndex, 5, T0, 10));
        await index.SetAsync(Entry(T0.AddMinutes(1)), T0);
        Assert.Empty(await index.ReadDueAsync(SessionExpiryEntryKind.UserIndex, 5, T0, 10));
        Assert.Equal([Entry(T0.AddMinutes(1))], await index.ReadDueAsync(SessionExpiryEntryKind.UserIndex, 5, T0.AddMinutes(1), 10));
        Assert.Equal(1, await store.CountIndexEntriesAsync(settings, key));

        await index.RemoveAsync(Entry(T0.AddMinutes(1)));

        Assert.Empty(await index.ReadDueAsync(SessionExpiryEntryKind.UserIndex, 5, T0.AddDays(1), 10));
        Assert.Equal(0, await store.CountIndexEntriesAsync(settings, key));
    }

    [Fact]
    public async Task Setting_an_entry_to_its_own_due_time_keeps_it_and_a_removal_without_a_due_time_leaves_it()
    {
        var index = await CreateIndexAsync("ix-" + Guid.NewGuid().ToString("N")[..8]);
        var id = SessionTestSilo.NewSessionId();
        var entry = new SessionExpiryEntry(SessionExpiryEntryKind.Session, 0, id, T0);
        await index.SetAsync(entry, null);

        await index.SetAsync(entry, T0); // a move to the same time: one row, so no delete and insert of it in one transaction
        await index.RemoveAsync(entry with { DueAt = null }); // documented: the entry stays until it comes due and is checked

        Assert.Equal([entry], await index.ReadDueAsync(SessionExpiryEntryKind.Session, 0, T0, 10));
    }
}
