using SessionGrains.Hosting;
using SessionGrains.LocalFarm;
using SessionGrains.Server;
using SessionGrains.Tests.Shared;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>The expiry index contract on PostgreSQL (table sessiongrains_expiry of our schema), and what an entry costs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresExpiryIndexTests(PostgresFixture postgres, ITestOutputHelper output) : ExpiryIndexContract, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<PostgresSessionExpiryIndex> _indexes = [];

    protected override Task<ISessionExpiryIndex> CreateIndexAsync(string serviceId) => Task.FromResult<ISessionExpiryIndex>(Open(postgres.ConnectionString, serviceId));

    [Fact]
    public async Task An_entry_is_one_row_keyed_by_its_grain_and_due_to_the_microsecond_rounded_up()
    {
        var serviceId = NewServiceId();
        var index = Open(postgres.ConnectionString, serviceId);
        var id = SessionTestSilo.NewSessionId();
        var dueAt = T0.AddTicks(1); // between two microseconds
        await index.SetAsync(new(SessionExpiryEntryKind.Session, 5, id, dueAt), null);
        await index.SetAsync(new(SessionExpiryEntryKind.Session, 5, id, dueAt), dueAt); // a retried move changes nothing

        Assert.Equal(1, await postgres.CountAsync(
            "SELECT count(*) FROM sessiongrains_expiry WHERE service_id = @s AND kind = 0 AND shard = 5 AND grain_key = @k AND due_at = @d",
            ("s", serviceId), ("k", id), ("d", T0.AddTicks(10).UtcDateTime)));
        Assert.Empty(await index.ReadDueAsync(SessionExpiryEntryKind.Session, 5, dueAt, 10)); // never due before its time
        Assert.Equal([new SessionExpiryEntry(SessionExpiryEntryKind.Session, 5, id, T0.AddTicks(10))],
            await index.ReadDueAsync(SessionExpiryEntryKind.Session, 5, T0.AddTicks(10), 10));

        await index.RemoveAsync(new(SessionExpiryEntryKind.Session, 5, id, null)); // the key alone finds the row
        Assert.Equal(0, await postgres.CountAsync("SELECT count(*) FROM sessiongrains_expiry WHERE service_id = @s", ("s", serviceId)));
    }

    [Fact]
    public async Task A_database_set_up_before_the_index_fails_naming_the_step_that_adds_its_table_and_works_after_it()
    {
        var database = "noindex_" + Guid.NewGuid().ToString("N")[..8];
        await PostgresServer.CreateDatabaseAsync(postgres.Port, database); // no schema applied
        var index = Open(PostgresServer.ConnectionString(postgres.Port, database), NewServiceId());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => index.SetAsync(new(SessionExpiryEntryKind.Session, 0, SessionTestSilo.NewSessionId(), T0), null));
        Assert.Contains("setup-database", failure.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => index.ReadDueAsync(SessionExpiryEntryKind.Session, 0, T0, 10));

        await SessionDatabaseSchema.ApplyAsync(PostgresServer.ConnectionString(postgres.Port, database)); // the upgrade step
        await index.SetAsync(new(SessionExpiryEntryKind.Session, 0, "after-setup", T0), null);
        Assert.Single(await index.ReadDueAsync(SessionExpiryEntryKind.Session, 0, T0, 10));
    }

    [Fact]
    public async Task Bytes_per_entry()
    {
        const int entries = 2_000;
        var serviceId = NewServiceId();
        var index = Open(postgres.ConnectionString, serviceId);
        await Parallel.ForEachAsync(Enumerable.Range(0, entries), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await index.SetAsync(new(SessionExpiryEntryKind.Session, i % 16, SessionTestSilo.NewSessionId(), T0.AddSeconds(i)), null));

        var row = await postgres.CountAsync("SELECT avg(pg_column_size(e.*))::integer FROM sessiongrains_expiry e WHERE service_id = @s", ("s", serviceId));
        output.WriteLine($"a session's entry (32-character ID, service ID of {serviceId.Length}): {row} B of row data, "
            + "plus the row header and line pointer (28 B) and one entry in each of its two B-trees");
        Assert.Equal(entries, await postgres.CountAsync("SELECT count(*) FROM sessiongrains_expiry WHERE service_id = @s", ("s", serviceId)));
        Assert.InRange(row, 32, 96);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var index in _indexes)
        {
            await index.DisposeAsync();
        }
    }

    private static string NewServiceId() => "ix-" + Guid.NewGuid().ToString("N")[..8];

    private PostgresSessionExpiryIndex Open(string connectionString, string serviceId)
    {
        var index = new PostgresSessionExpiryIndex(connectionString, serviceId);
        _indexes.Add(index);
        return index;
    }
}
