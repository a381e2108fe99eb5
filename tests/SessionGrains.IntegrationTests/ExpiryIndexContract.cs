using SessionGrains.Server;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// What every durable <see cref="ISessionExpiryIndex"/> guarantees, run on each real store (a subclass per store) through
/// the index alone: entries come due in order and only once due, a move leaves one entry, kinds and shards are apart, repeated
/// calls are harmless, and entries outlive the index object that wrote them.
/// </summary>
public abstract class ExpiryIndexContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A new index object on the store, for <paramref name="serviceId"/> (a second call makes a second, independent object).</summary>
    protected abstract Task<ISessionExpiryIndex> CreateIndexAsync(string serviceId);

    private static string NewServiceId() => "ix-" + Guid.NewGuid().ToString("N")[..8];

    private static SessionExpiryEntry Entry(string key, DateTimeOffset dueAt, int shard = 3, SessionExpiryEntryKind kind = SessionExpiryEntryKind.Session)
        => new(kind, shard, key, dueAt);

    private static async Task<string[]> DueKeysAsync(ISessionExpiryIndex index, DateTimeOffset dueBy, int shard = 3,
        SessionExpiryEntryKind kind = SessionExpiryEntryKind.Session, int limit = 1000)
        => (await index.ReadDueAsync(kind, shard, dueBy, limit)).Select(e => e.Key).ToArray();

    [Fact]
    public async Task Entries_come_due_earliest_first_only_once_due_and_a_page_at_a_time()
    {
        var index = await CreateIndexAsync(NewServiceId());
        var (a, b, c) = (SessionTestSilo.NewSessionId(), SessionTestSilo.NewSessionId(), SessionTestSilo.NewSessionId());
        await index.SetAsync(Entry(b, T0.AddMinutes(2)), null);
        await index.SetAsync(Entry(a, T0.AddMinutes(1)), null);
        await index.SetAsync(Entry(c, T0.AddMinutes(3)), null);

        Assert.Empty(await DueKeysAsync(index, T0));
        Assert.Equal([a], await DueKeysAsync(index, T0.AddMinutes(1)));
        Assert.Equal([a, b], await DueKeysAsync(index, T0.AddMinutes(2.5)));
        Assert.Equal([a, b], await DueKeysAsync(index, T0.AddDays(1), limit: 2));
        var all = await index.ReadDueAsync(SessionExpiryEntryKind.Session, 3, T0.AddDays(1), 10);
        Assert.Equal([Entry(a, T0.AddMinutes(1)), Entry(b, T0.AddMinutes(2)), Entry(c, T0.AddMinutes(3))], all);
    }

    [Fact]
    public async Task Moving_an_entry_leaves_one_entry_at_its_new_due_time()
    {
        var index = await CreateIndexAsync(NewServiceId());
        var id = SessionTestSilo.NewSessionId();
        await index.SetAsync(Entry(id, T0.AddMinutes(20)), null);

        await index.SetAsync(Entry(id, T0.AddMinutes(35)), T0.AddMinutes(20));
        await index.SetAsync(Entry(id, T0.AddMinutes(35)), T0.AddMinutes(35)); // a move to where it is

        Assert.Empty(await DueKeysAsync(index, T0.AddMinutes(34)));
        var moved = Assert.Single(await index.ReadDueAsync(SessionExpiryEntryKind.Session, 3, T0.AddDays(1), 10));
        Assert.Equal(Entry(id, T0.AddMinutes(35)), moved);
    }

    [Fact]
    public async Task Removing_an_entry_with_its_due_time_removes_it_and_repeats_are_harmless()
    {
        var index = await CreateIndexAsync(NewServiceId());
        var (kept, removed) = (SessionTestSilo.NewSessionId(), SessionTestSilo.NewSessionId());
        await index.SetAsync(Entry(kept, T0), null);
        await index.SetAsync(Entry(removed, T0), null);
        await index.SetAsync(Entry(removed, T0), null); // a retried write

        await index.RemoveAsync(Entry(removed, T0));
        await index.RemoveAsync(Entry(removed, T0)); // a retried removal
        await index.SetAsync(Entry(kept, T0.AddMinutes(5)), T0);
        await index.SetAsync(Entry(kept, T0.AddMinutes(5)), T0); // a retried move: its old entry is gone already

        Assert.Equal([Entry(kept, T0.AddMinutes(5))], await index.ReadDueAsync(SessionExpiryEntryKind.Session, 3, T0.AddDays(1), 10));
    }

    [Fact]
    public async Task Kinds_shards_and_services_keep_their_entries_apart()
    {
        var serviceId = NewServiceId();
        var index = await CreateIndexAsync(serviceId);
        var other = await CreateIndexAsync(NewServiceId());
        var key = SessionTestSilo.NewSessionId();
        await index.SetAsync(Entry(key, T0, shard: 0), null);
        await index.SetAsync(Entry(key, T0.AddMinutes(1), shard: 1, kind: SessionExpiryEntryKind.UserIndex), null);

        Assert.Equal([key], await DueKeysAsync(index, T0.AddDays(1), shard: 0));
        Assert.Empty(await DueKeysAsync(index, T0.AddDays(1), shard: 1));
        Assert.Empty(await DueKeysAsync(index, T0.AddDays(1), shard: 0, kind: SessionExpiryEntryKind.UserIndex));
        Assert.Equal([key], await DueKeysAsync(index, T0.AddDays(1), shard: 1, kind: SessionExpiryEntryKind.UserIndex));
        Assert.Empty(await DueKeysAsync(other, T0.AddDays(1), shard: 0));

        await index.RemoveAsync(Entry(key, T0, shard: 1)); // an entry moved to shard 0 is left there by a removal from shard 1
        Assert.Equal([key], await DueKeysAsync(index, T0.AddDays(1), shard: 0));
    }

    [Fact]
    public async Task Entries_are_kept_by_the_store_not_by_the_index_object()
    {
        var serviceId = NewServiceId();
        var key = "user:ada@example.com/with odd#chars?\\'\""; // user IDs are the application's own strings
        await (await CreateIndexAsync(serviceId)).SetAsync(Entry(key, T0, kind: SessionExpiryEntryKind.UserIndex), null);

        var reopened = await CreateIndexAsync(serviceId);

        Assert.Equal([Entry(key, T0, kind: SessionExpiryEntryKind.UserIndex)],
            await reopened.ReadDueAsync(SessionExpiryEntryKind.UserIndex, 3, T0, 10));
        await reopened.RemoveAsync(Entry(key, T0, kind: SessionExpiryEntryKind.UserIndex));
        Assert.Empty(await reopened.ReadDueAsync(SessionExpiryEntryKind.UserIndex, 3, T0, 10));
    }
}
