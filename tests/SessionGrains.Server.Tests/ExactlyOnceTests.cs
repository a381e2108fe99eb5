using SessionGrains.Tests.Shared;
using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>A write sent again with its operation ID answers the stored result and applies nothing, from memory or storage.</summary>
[Collection(SessionClusterCollection.Name)]
public sealed class ExactlyOnceTests(SessionCluster fixture)
{
    [Fact]
    public async Task Repeated_writes_answer_the_first_result_and_apply_nothing()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        var create = Guid.NewGuid();
        var apply = Guid.NewGuid();
        var increment = Guid.NewGuid();

        var created = await session.CreateAsync(TwentyMinutes, Set(("a", "1")), create);
        var applied = await session.ApplyAsync(Set(("b", "2")), operationId: apply);
        var incremented = await session.IncrementAsync("n", 5, operationId: increment);
        var createdAgain = await session.CreateAsync(TwentyMinutes, Set(("a", "1")), create);
        var appliedAgain = await session.ApplyAsync(Set(("b", "2")), operationId: apply);
        var incrementedAgain = await session.IncrementAsync("n", 5, operationId: increment);

        Assert.Equal((SessionWriteStatus.Succeeded, 1L), (createdAgain.Status, createdAgain.Version));
        Assert.Equal((applied.Status, applied.Version), (appliedAgain.Status, appliedAgain.Version));
        Assert.Equal((SessionWriteStatus.Succeeded, 5L, incremented.Version), (incrementedAgain.Status, incrementedAgain.Value, incrementedAgain.Version));
        Assert.Equal(SessionWriteStatus.AlreadyExists, (await session.CreateAsync(TwentyMinutes, null, Guid.NewGuid())).Status);
        var stored = await fixture.ReadStoredRecordAsync(id);
        Assert.Equal(3, stored!.Version);
        Assert.Equal("5", Text(stored.Data["n"]));
        Assert.Equal([create, apply, increment], stored.Operations.Select(o => o.Id));
        Assert.Equal(1, created.Version);
    }

    [Fact]
    public async Task An_operation_id_is_recognised_after_the_grain_was_deactivated()
    {
        var id = SessionCluster.NewSessionId();
        var increment = Guid.NewGuid();
        await fixture.Session(id).CreateAsync(TwentyMinutes, null, Guid.NewGuid());
        var first = await fixture.Session(id).IncrementAsync("n", 1, operationId: increment);

        await fixture.Cluster.DeactivateAsync(SessionCluster.GrainIdOf(id));
        Assert.False(fixture.IsActive(id));
        var repeated = await fixture.Session(id).IncrementAsync("n", 1, operationId: increment);
        var next = await fixture.Session(id).IncrementAsync("n", 1, operationId: Guid.NewGuid());

        Assert.Equal((1L, first.Version), (repeated.Value, repeated.Version));
        Assert.Equal(2, next.Value);
    }

    [Fact]
    public async Task A_repeated_regeneration_answers_the_move_it_made_and_carries_the_data_once()
    {
        var oldId = SessionCluster.NewSessionId();
        var newId = SessionCluster.NewSessionId();
        var regenerate = Guid.NewGuid();
        await fixture.Session(oldId).CreateAsync(TwentyMinutes, Set(("user", "ada")), Guid.NewGuid());

        var moved = await fixture.Session(oldId).RegenerateAsync(newId, TwentyMinutes, Set(("role", "admin")), regenerate);
        await fixture.Session(newId).IncrementAsync("n", 1, operationId: Guid.NewGuid()); // a write after the move
        var again = await fixture.Session(oldId).RegenerateAsync(newId, TwentyMinutes, Set(("role", "admin")), regenerate);
        var other = await fixture.Session(oldId).RegenerateAsync(SessionCluster.NewSessionId(), TwentyMinutes, null, Guid.NewGuid());

        Assert.Equal(SessionWriteStatus.Succeeded, moved.Status);
        Assert.Equal((SessionWriteStatus.Succeeded, moved.Version), (again.Status, again.Version));
        Assert.Equal(SessionWriteStatus.NoSession, other.Status); // only the move's own retry is answered
        var stored = await fixture.ReadStoredRecordAsync(newId);
        Assert.Equal(["n", "role", "user"], stored!.Data.Keys.Order());
        Assert.Equal("1", Text(stored.Data["n"]));
        Assert.Null(await fixture.ReadStoredRecordAsync(oldId));
    }

    [Fact]
    public async Task A_record_of_format_1_loads_and_gains_the_operation_log_on_its_next_write()
    {
        var id = SessionCluster.NewSessionId();
        var now = fixture.Clock.GetUtcNow();
        await SessionTestSilo.WriteStoredRecordAsync(fixture.Cluster.Silos[0].SiloHost.Services, id, new SessionRecord
        {
            FormatVersion = 1,
            Data = new(StringComparer.Ordinal) { ["n"] = Bytes("41") },
            Version = 7,
            CreatedAt = now,
            LastAccessAt = now,
            IdleTimeout = TimeSpan.FromMinutes(20),
        });

        var loaded = await fixture.Session(id).LoadAsync();
        var increment = Guid.NewGuid();
        var incremented = await fixture.Session(id).IncrementAsync("n", 1, operationId: increment);

        Assert.Equal(("41", 7L), (Text(loaded!.Data["n"]), loaded.Version));
        Assert.Equal((42L, 8L), (incremented.Value, incremented.Version));
        var stored = await fixture.ReadStoredRecordAsync(id);
        Assert.Equal(SessionRecord.CurrentFormatVersion, stored!.FormatVersion);
        Assert.Equal([increment], stored.Operations.Select(o => o.Id));
    }

    [Fact]
    public async Task The_log_keeps_the_newest_operations_within_the_retention_only()
    {
        var id = SessionCluster.NewSessionId();
        var options = new SessionSiloOptions();
        await fixture.Session(id).CreateAsync(TwentyMinutes, null, Guid.NewGuid());
        var ids = Enumerable.Range(0, options.MaxRetainedOperations + 8).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var operation in ids)
        {
            await fixture.Session(id).IncrementAsync("n", 1, operationId: operation);
        }

        var full = await fixture.ReadStoredRecordAsync(id);
        var oldest = await fixture.Session(id).IncrementAsync("n", 1, operationId: ids[0]); // aged out of the log: applied again
        fixture.Clock.Advance(options.OperationRetention + TimeSpan.FromSeconds(1));
        var last = Guid.NewGuid();
        await fixture.Session(id).IncrementAsync("n", 1, operationId: last);

        Assert.Equal(ids[^options.MaxRetainedOperations..], full!.Operations.Select(o => o.Id));
        Assert.Equal(ids.Length + 1, oldest.Value);
        Assert.Equal([last], (await fixture.ReadStoredRecordAsync(id))!.Operations.Select(o => o.Id));
    }
}
