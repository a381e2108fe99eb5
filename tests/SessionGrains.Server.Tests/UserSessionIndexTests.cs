using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionGrains.Tests.Shared;
using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>A user's session index: binding, listing, revocation, the per-user limit, and that it never drifts.</summary>
[Collection(SessionClusterCollection.Name)]
public sealed class UserSessionIndexTests(SessionCluster fixture)
{
    private static readonly SessionDevice Laptop = new("Mozilla/5.0 (X11; Linux x86_64)", "203.0.113.7");

    [Fact]
    public async Task A_bound_session_is_listed_by_an_opaque_handle_with_its_device()
    {
        var user = NewUser();
        var id = await NewSessionAsync();

        var result = await fixture.Users(user).BindAsync(id, Laptop, UserSessionLimit.None);

        Assert.Equal(UserSessionBindStatus.Bound, result.Status);
        var handle = result.Binding!.Handle;
        Assert.DoesNotContain(handle, id);
        Assert.DoesNotContain(id[..8], handle);
        var listed = Assert.Single(await fixture.Users(user).ListAsync());
        Assert.Equal(handle, listed.Handle);
        Assert.Equal(Laptop, listed.Device);
        Assert.Equal(fixture.Clock.GetUtcNow(), listed.CreatedAt);
        Assert.Equal(user, (await fixture.ReadStoredRecordAsync(id))!.User!.UserId);
        Assert.Equal(user, (await fixture.Session(id).LoadAsync())!.User!.UserId);
        Assert.Equal(handle, (await fixture.Users(user).BindAsync(id, Laptop, UserSessionLimit.None)).Binding!.Handle); // binding again: same
    }

    [Fact]
    public async Task The_device_is_bounded_in_size()
    {
        var user = NewUser();
        var id = await NewSessionAsync();

        await fixture.Users(user).BindAsync(id, new SessionDevice(new string('a', 10_000), new string('1', 500)), UserSessionLimit.None);

        var device = Assert.Single(await fixture.Users(user).ListAsync()).Device!;
        Assert.Equal(SessionDevice.MaxUserAgentLength, device.UserAgent!.Length);
        Assert.Equal(SessionDevice.MaxClientAddressLength, device.ClientAddress!.Length);
    }

    [Fact]
    public async Task Sessions_are_listed_oldest_first()
    {
        var user = NewUser();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await NewSessionAsync());
            fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        foreach (var id in Enumerable.Reverse(ids))
        {
            await fixture.Users(user).BindAsync(id, Laptop, UserSessionLimit.None);
        }

        var listed = await fixture.Users(user).ListAsync();
        Assert.Equal(3, listed.Count);
        Assert.True(listed[0].CreatedAt < listed[1].CreatedAt && listed[1].CreatedAt < listed[2].CreatedAt);
    }

    [Fact]
    public async Task Revoking_ends_the_session_and_deletes_its_record_and_the_emptied_index()
    {
        var user = NewUser();
        var id = await NewSessionAsync();
        var handle = (await fixture.Users(user).BindAsync(id, Laptop, UserSessionLimit.None)).Binding!.Handle;

        Assert.False(await fixture.Users(user).RevokeAsync("not-a-handle"));
        Assert.False(await fixture.Users(NewUser()).RevokeAsync(handle)); // another user's handle revokes nothing
        Assert.NotNull(await fixture.Session(id).LoadAsync());

        Assert.True(await fixture.Users(user).RevokeAsync(handle));

        Assert.Null(await fixture.Session(id).LoadAsync());
        Assert.Null(await fixture.ReadStoredRecordAsync(id));
        Assert.Empty(await fixture.Users(user).ListAsync());
        Assert.Null(await fixture.ReadStoredUserIndexAsync(user));
        Assert.False(await fixture.Users(user).RevokeAsync(handle));
    }

    [Fact]
    public async Task Revoking_all_but_the_current_session_keeps_only_it()
    {
        var user = NewUser();
        var handles = new List<string>();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await NewSessionAsync());
            handles.Add((await fixture.Users(user).BindAsync(ids[i], Laptop, UserSessionLimit.None)).Binding!.Handle);
        }

        Assert.Equal(2, await fixture.Users(user).RevokeAllAsync(keepHandle: handles[1]));

        Assert.Equal(handles[1], Assert.Single(await fixture.Users(user).ListAsync()).Handle);
        Assert.Null(await fixture.Session(ids[0]).LoadAsync());
        Assert.NotNull(await fixture.Session(ids[1]).LoadAsync());
        Assert.Null(await fixture.Session(ids[2]).LoadAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_logins_with_a_limit_of_five_end_with_exactly_five_sessions()
    {
        var user = NewUser();
        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => NewSessionAsync()));

        var results = await Task.WhenAll(ids.Select(id => fixture.Users(user).BindAsync(id, Laptop, new UserSessionLimit(5))));

        Assert.All(results, r => Assert.Equal(UserSessionBindStatus.Bound, r.Status));
        Assert.Equal(15, results.Sum(r => r.Evicted));
        Assert.Equal(5, (await fixture.Users(user).ListAsync()).Count);
        var live = await Task.WhenAll(ids.Select(id => fixture.Session(id).LoadAsync()));
        Assert.Equal(5, live.Count(s => s is not null));
        Assert.Equal(5, (await fixture.ReadStoredUserIndexAsync(user))!.Entries.Count);
    }

    [Fact]
    public async Task The_limit_ends_the_least_recently_used_session()
    {
        var user = NewUser();
        var (first, second) = (await NewSessionAsync(), await NewSessionAsync());
        await fixture.Users(user).BindAsync(first, Laptop, new UserSessionLimit(2));
        await fixture.Users(user).BindAsync(second, Laptop, new UserSessionLimit(2));
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await fixture.Session(first).LoadAsync(); // the second is now the least recently used

        var third = await NewSessionAsync();
        var result = await fixture.Users(user).BindAsync(third, Laptop, new UserSessionLimit(2));

        Assert.Equal(1, result.Evicted);
        Assert.NotNull(await fixture.Session(first).LoadAsync());
        Assert.Null(await fixture.Session(second).LoadAsync());
        Assert.NotNull(await fixture.Session(third).LoadAsync());
    }

    [Fact]
    public async Task The_refusing_policy_refuses_the_new_binding_and_keeps_the_sessions()
    {
        var user = NewUser();
        var limit = new UserSessionLimit(2, UserSessionLimitPolicy.RefuseNewSession);
        var ids = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => NewSessionAsync()));
        await fixture.Users(user).BindAsync(ids[0], Laptop, limit);
        await fixture.Users(user).BindAsync(ids[1], Laptop, limit);

        var refused = await fixture.Users(user).BindAsync(ids[2], Laptop, limit);

        Assert.Equal(UserSessionBindStatus.LimitReached, refused.Status);
        Assert.Equal(2, (await fixture.Users(user).ListAsync()).Count);
        Assert.Null((await fixture.Session(ids[2]).LoadAsync())!.User);
    }

    [Fact]
    public async Task Binding_an_unknown_session_stores_nothing()
    {
        var user = NewUser();

        var result = await fixture.Users(user).BindAsync(SessionCluster.NewSessionId(), Laptop, UserSessionLimit.None);

        Assert.Equal(UserSessionBindStatus.NoSession, result.Status);
        Assert.Null(await fixture.ReadStoredUserIndexAsync(user));
    }

    [Fact]
    public async Task A_lost_end_notification_never_shows_an_ended_session_and_the_sweep_deletes_the_index()
    {
        var user = NewUser();
        var (kept, ended) = (await NewSessionAsync(), await NewSessionAsync());
        await fixture.Users(user).BindAsync(kept, Laptop, UserSessionLimit.None);
        var endedHandle = (await fixture.Users(user).BindAsync(ended, Laptop, UserSessionLimit.None)).Binding!.Handle;
        fixture.Faults.Arm(nameof(IUserSessionsGrain.SessionEndedAsync), SessionFault.RejectBeforeRunning);
        try
        {
            await fixture.Session(ended).DestroyAsync(); // the session ends; its notification to the index is lost
            await SessionCluster.WaitUntilAsync(() => Task.FromResult(fixture.Faults.CallsOf(nameof(IUserSessionsGrain.SessionEndedAsync)) == 1),
                "the notification is dropped");
        }
        finally
        {
            fixture.Faults.Disarm();
        }

        Assert.Equal(2, (await fixture.ReadStoredUserIndexAsync(user))!.Entries.Count); // the stale entry is still stored
        var listed = Assert.Single(await fixture.Users(user).ListAsync());
        Assert.NotEqual(endedHandle, listed.Handle);
        Assert.Single((await fixture.ReadStoredUserIndexAsync(user))!.Entries); // and the listing repaired it

        // With the notification of the last session lost too, the sweep (its expiry index entry come due) deletes the emptied
        // index and its entry.
        fixture.Faults.Arm(nameof(IUserSessionsGrain.SessionEndedAsync), SessionFault.RejectBeforeRunning);
        try
        {
            await fixture.Session(kept).DestroyAsync();
            Assert.Single(await fixture.IndexEntriesAsync(user, SessionExpiryEntryKind.UserIndex));
            fixture.Clock.Advance(SessionTestSiloBuilderExtensions.TestReminderPeriod); // the index's sweep comes due
            await SessionCluster.WaitUntilAsync(async () => await fixture.ReadStoredUserIndexAsync(user) is null,
                "the sweep deletes the index", TimeSpan.FromSeconds(20));
            await SessionCluster.WaitUntilAsync(async () => (await fixture.IndexEntriesAsync(user, SessionExpiryEntryKind.UserIndex)).Count == 0,
                "the sweep removes the index's entry");
        }
        finally
        {
            fixture.Faults.Disarm();
        }
    }

    [Fact]
    public async Task An_index_with_a_1_0_sweep_reminder_moves_into_the_expiry_index_and_the_reminder_goes()
    {
        var user = NewUser();
        await fixture.Users(user).BindAsync(await NewSessionAsync(), Laptop, UserSessionLimit.None);
        var services = fixture.Cluster.Silos[0].SiloHost.Services;
        var shards = services.GetRequiredService<IOptions<SessionSiloOptions>>().Value.ExpiryIndexShards;
        await services.GetRequiredService<ISessionExpiryIndex>().RemoveAsync(
            new(SessionExpiryEntryKind.UserIndex, SessionExpiryEntry.ShardOf(user, shards), user, null)); // as 1.0 stored it: a reminder instead
        var userIndex = GrainId.Create(SessionGrainNames.UserIndexGrainType, user);
        await fixture.WriteVersion1ReminderAsync(userIndex, SessionGrainNames.UserIndexReminder);

        await SessionCluster.WaitUntilAsync(async () => (await fixture.IndexEntriesAsync(user, SessionExpiryEntryKind.UserIndex)).Count == 1,
            "the reminder's tick sweeps and moves the index into the expiry index");
        await SessionCluster.WaitUntilAsync(async () => (await services.GetRequiredService<IReminderTable>().ReadRows(userIndex)).Reminders.Count == 0,
            "the tick removes the reminder");
        Assert.Single((await fixture.ReadStoredUserIndexAsync(user))!.Entries);
    }

    [Theory]
    [InlineData(nameof(SessionExpiryLayer.OnAccess))]
    [InlineData(nameof(SessionExpiryLayer.Timer))]
    [InlineData(nameof(SessionExpiryLayer.Sweep))]
    public async Task A_session_that_expires_by_any_layer_leaves_the_index(string layer)
    {
        var user = NewUser();
        var id = SessionCluster.NewSessionId();
        var timer = layer == nameof(SessionExpiryLayer.Timer);
        // The timer runs on real time: a 1-second session for it, 20 minutes (never reached by the timer) for the others.
        await fixture.Session(id).CreateAsync(timer ? new SessionTimeouts(TimeSpan.FromSeconds(1)) : TwentyMinutes, Set(("n", "1")));
        await fixture.Users(user).BindAsync(id, Laptop, UserSessionLimit.None);
        if (layer == nameof(SessionExpiryLayer.Sweep))
        {
            await fixture.Cluster.DeactivateAsync(fixture.Session(id));
        }

        fixture.Clock.Advance(timer ? TimeSpan.FromSeconds(2) : TimeSpan.FromMinutes(21));
        if (layer == nameof(SessionExpiryLayer.OnAccess))
        {
            Assert.Null(await fixture.Session(id).LoadAsync());
        }

        // Not through a listing (which repairs on its own): the session's end notification empties the stored index.
        // The grain deletes the record and tells the index before it logs the deletion: wait for both.
        await SessionCluster.WaitUntilAsync(async () => await fixture.ReadStoredUserIndexAsync(user) is null && fixture.ExpiryLayersLogged(id).Count > 0,
            "the index drops the expired session", TimeSpan.FromSeconds(20));
        // An inactive session is found either by the expiry sweep or, as soon, by its user index's sweep asking it (an access).
        string[] noticedBy = layer == nameof(SessionExpiryLayer.Sweep) ? [layer, nameof(SessionExpiryLayer.OnAccess)] : [layer];
        Assert.Contains(Assert.Single(fixture.ExpiryLayersLogged(id)), noticedBy);
        Assert.Empty(await fixture.Users(user).ListAsync());
    }

    [Fact]
    public async Task Regeneration_through_the_index_moves_the_binding_and_the_handle()
    {
        var user = NewUser();
        var id = await NewSessionAsync();
        var handle = (await fixture.Users(user).BindAsync(id, Laptop, UserSessionLimit.None)).Binding!.Handle;
        var newId = SessionCluster.NewSessionId();

        var result = await fixture.Users(user).RegenerateAsync(id, newId, TwentyMinutes, Set(("step", "2")), Guid.NewGuid());

        Assert.True(result.Succeeded);
        Assert.Null(await fixture.Session(id).LoadAsync());
        var moved = (await fixture.Session(newId).LoadAsync())!;
        Assert.Equal((user, handle), (moved.User!.UserId, moved.User.Handle));
        Assert.Equal(handle, Assert.Single(await fixture.Users(user).ListAsync()).Handle);
        Assert.Equal(newId, Assert.Single((await fixture.ReadStoredUserIndexAsync(user))!.Entries).SessionId);
        Assert.True(await fixture.Users(user).RevokeAsync(handle));
        Assert.Null(await fixture.Session(newId).LoadAsync());
    }

    [Fact]
    public async Task A_regeneration_the_index_did_not_see_is_followed_from_the_session_notice()
    {
        var user = NewUser();
        var id = await NewSessionAsync();
        var handle = (await fixture.Users(user).BindAsync(id, Laptop, UserSessionLimit.None)).Binding!.Handle;
        var newId = SessionCluster.NewSessionId();

        Assert.True((await fixture.Session(id).RegenerateAsync(newId, TwentyMinutes, null, Guid.NewGuid())).Succeeded);

        await SessionCluster.WaitUntilAsync(async () => (await fixture.ReadStoredUserIndexAsync(user))?.Entries is [{ } entry] && entry.SessionId == newId,
            "the index follows the move");
        Assert.Equal(handle, Assert.Single(await fixture.Users(user).ListAsync()).Handle);
    }

    [Fact]
    public async Task Unbinding_removes_the_session_from_the_list_and_keeps_it()
    {
        var user = NewUser();
        var id = await NewSessionAsync();
        await fixture.Users(user).BindAsync(id, Laptop, UserSessionLimit.None);

        Assert.True(await fixture.Users(user).UnbindAsync(id));

        Assert.Empty(await fixture.Users(user).ListAsync());
        var session = (await fixture.Session(id).LoadAsync())!;
        Assert.Null(session.User);
        Assert.False(await fixture.Users(user).UnbindAsync(id));
    }

    [Fact]
    public async Task Binding_to_another_user_moves_the_session_to_their_list()
    {
        var (first, second) = (NewUser(), NewUser());
        var id = await NewSessionAsync();
        await fixture.Users(first).BindAsync(id, Laptop, UserSessionLimit.None);

        await fixture.Users(second).BindAsync(id, Laptop, UserSessionLimit.None);

        Assert.Single(await fixture.Users(second).ListAsync());
        Assert.Empty(await fixture.Users(first).ListAsync());
        await SessionCluster.WaitUntilAsync(async () => await fixture.ReadStoredUserIndexAsync(first) is null, "the first index empties");
    }

    [Fact]
    public async Task A_login_costs_one_index_write_and_one_session_write()
    {
        var user = NewUser();
        var index = GrainId.Create(SessionGrainNames.UserIndexGrainType, user);
        foreach (var earlier in new[] { await NewSessionAsync(), await NewSessionAsync() })
        {
            await fixture.Users(user).BindAsync(earlier, Laptop, UserSessionLimit.None);
        }

        var id = await NewSessionAsync();
        var (indexWrites, sessionWrites) = (fixture.StorageCounts.Writes(index), fixture.StorageCounts.Writes(id));

        await fixture.Users(user).BindAsync(id, Laptop, new UserSessionLimit(5));

        Assert.Equal(indexWrites + 1, fixture.StorageCounts.Writes(index));
        Assert.Equal(sessionWrites + 1, fixture.StorageCounts.Writes(id));
    }

    private async Task<string> NewSessionAsync()
    {
        var id = SessionCluster.NewSessionId();
        Assert.True((await fixture.Session(id).CreateAsync(TwentyMinutes, Set(("n", "1")))).Succeeded);
        return id;
    }

    private static string NewUser() => "user-" + Guid.NewGuid().ToString("N")[..8];
}
