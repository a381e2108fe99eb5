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

    [Fact]
    public async Task A_retried_write_is_recognised_after_more_writes_than_the_log_keeps_until_the_retention_ends()
    {
        var id = SessionCluster.NewSessionId();
        var options = new SessionSiloOptions();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, null, Guid.NewGuid());
        var retriedFirst = Guid.NewGuid(); // its second attempt is applied before its first arrives
        var replayedRetry = Guid.NewGuid(); // its first attempt is applied, then a retry finds it
        await AsRetriedAttemptAsync(() => session.IncrementAsync("n", 1, operationId: retriedFirst));
        await session.IncrementAsync("n", 1, operationId: replayedRetry);
        var replayed = await AsRetriedAttemptAsync(() => session.IncrementAsync("n", 1, operationId: replayedRetry));
        for (var i = 0; i < options.MaxRetainedOperations + 8; i++)
        {
            await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());
        }

        await fixture.Cluster.DeactivateAsync(SessionCluster.GrainIdOf(id)); // the retried IDs are stored, not only held
        var lateFirst = await session.IncrementAsync("n", 1, operationId: retriedFirst);
        var lateAgain = await session.IncrementAsync("n", 1, operationId: replayedRetry);
        var stored = await fixture.ReadStoredRecordAsync(id);
        fixture.Clock.Advance(options.OperationRetention + TimeSpan.FromSeconds(1));
        await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());

        Assert.Equal((1L, 2L, 2L), (lateFirst.Value, lateAgain.Value, replayed.Value));
        Assert.Equal($"{2 + options.MaxRetainedOperations + 8}", Text(stored!.Data["n"]));
        Assert.Equal([retriedFirst, replayedRetry], stored.RetriedOperations.Select(o => o.Id));
        Assert.Empty((await fixture.ReadStoredRecordAsync(id))!.RetriedOperations);
    }

    /// <summary>What a front end does from a write's second attempt on (SessionOperationWindow.RetriedContextKey).</summary>
    private static async Task<T> AsRetriedAttemptAsync<T>(Func<Task<T>> attempt)
    {
        RequestContext.Set(SessionOperationWindow.RetriedContextKey, true);
        try
        {
            return await attempt();
        }
        finally
        {
            RequestContext.Remove(SessionOperationWindow.RetriedContextKey);
        }
    }

    [Fact]
    public async Task A_claimed_key_holds_off_other_attempts_until_released_or_lapsed()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        var (key, fingerprint, lease) = (Guid.NewGuid(), Guid.NewGuid(), TimeSpan.FromSeconds(3));
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var unknown = await session.ClaimRequestAsync(key, fingerprint, first, lease);
        await session.CreateAsync(TwentyMinutes, null, Guid.NewGuid());

        var claimed = await session.ClaimRequestAsync(key, fingerprint, first, lease);
        var duplicate = await session.ClaimRequestAsync(key, fingerprint, second, lease);
        var otherRequest = await session.ClaimRequestAsync(key, Guid.NewGuid(), second, lease);
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var renewed = await session.ClaimRequestAsync(key, fingerprint, first, lease);
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var stillHeld = await session.ClaimRequestAsync(key, fingerprint, second, lease);
        await session.ReleaseRequestAsync(key, first);
        var afterRelease = await session.ClaimRequestAsync(key, fingerprint, second, lease);
        fixture.Clock.Advance(lease + TimeSpan.FromSeconds(1));
        var afterLapse = await session.ClaimRequestAsync(key, fingerprint, third, lease);

        Assert.Equal(SessionRequestClaimStatus.NoSession, unknown.Status);
        Assert.Equal(
            [SessionRequestClaimStatus.Claimed, SessionRequestClaimStatus.InFlight, SessionRequestClaimStatus.KeyReused, SessionRequestClaimStatus.Claimed,
                SessionRequestClaimStatus.InFlight, SessionRequestClaimStatus.Claimed, SessionRequestClaimStatus.Claimed],
            new[] { claimed, duplicate, otherRequest, renewed, stillHeld, afterRelease, afterLapse }.Select(c => c.Status));
    }

    [Fact]
    public async Task A_recorded_response_is_answered_from_storage_and_only_to_the_same_request()
    {
        var id = SessionCluster.NewSessionId();
        var (key, fingerprint, attempt) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var response = new SessionRecordedResponse(201, [KeyValuePair.Create("Content-Type", "text/plain"), KeyValuePair.Create("Set-Cookie", "a=b")], Bytes("2"));
        await fixture.Session(id).CreateAsync(TwentyMinutes, null, Guid.NewGuid());
        await fixture.Session(id).ClaimRequestAsync(key, fingerprint, attempt, TimeSpan.FromSeconds(3));

        var recorded = await fixture.Session(id).RecordResponseAsync(key, fingerprint, attempt, response);
        var again = await fixture.Session(id).RecordResponseAsync(key, fingerprint, Guid.NewGuid(), response with { StatusCode = 500 });
        await fixture.Cluster.DeactivateAsync(SessionCluster.GrainIdOf(id));
        var replayed = await fixture.Session(id).ClaimRequestAsync(key, fingerprint, Guid.NewGuid(), TimeSpan.FromSeconds(3));
        var reused = await fixture.Session(id).ClaimRequestAsync(key, Guid.NewGuid(), Guid.NewGuid(), TimeSpan.FromSeconds(3));

        Assert.True(recorded);
        Assert.True(again); // the first recorded response stays
        Assert.Equal(SessionRequestClaimStatus.Completed, replayed.Status);
        Assert.Equal((201, "2"), (replayed.Response!.StatusCode, Text(replayed.Response.Body)));
        Assert.Equal(response.Headers, replayed.Response.Headers);
        Assert.Equal(SessionRequestClaimStatus.KeyReused, reused.Status);
        Assert.Equal(1, (await fixture.ReadStoredRecordAsync(id))!.Version); // no data version for a recorded response
    }

    [Fact]
    public async Task Recorded_responses_are_kept_by_count_and_age_and_give_way_to_the_data()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        var options = new SessionSiloOptions();
        await session.CreateAsync(TwentyMinutes, null, Guid.NewGuid());
        var keys = Enumerable.Range(0, options.MaxRecordedResponses + 4).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var key in keys)
        {
            await session.RecordResponseAsync(key, key, Guid.NewGuid(), new SessionRecordedResponse(200, [], Bytes("ok")));
        }

        var full = await fixture.ReadStoredRecordAsync(id);
        fixture.Clock.Advance(options.OperationRetention + TimeSpan.FromSeconds(1));
        await session.IncrementAsync("n", 1, operationId: Guid.NewGuid());
        var aged = await fixture.ReadStoredRecordAsync(id);

        var large = new SessionRecordedResponse(200, [], new byte[40 * 1024]);
        await session.ApplyAsync(Set(("data", new string('d', 200 * 1024))), operationId: Guid.NewGuid());
        var fits = await session.RecordResponseAsync(keys[0], keys[0], Guid.NewGuid(), large);
        var fitted = await fixture.ReadStoredRecordAsync(id);
        await session.ApplyAsync(Set(("more", new string('m', 20 * 1024))), operationId: Guid.NewGuid());
        var crowded = await fixture.ReadStoredRecordAsync(id);
        var tooLarge = await session.RecordResponseAsync(keys[1], keys[1], Guid.NewGuid(), large);

        Assert.Equal(keys[^options.MaxRecordedResponses..], full!.Requests.Select(r => r.Key));
        Assert.Empty(aged!.Requests);
        Assert.True(fits);
        Assert.Single(fitted!.Requests);
        Assert.Empty(crowded!.Requests); // the data grew into the room the response held
        Assert.Equal(20 * 1024, crowded.Data["more"].Length);
        Assert.False(tooLarge);
    }
}
