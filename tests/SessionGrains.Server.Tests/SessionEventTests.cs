using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>
/// Lifecycle events: each kind raised once, with its reason, after the change is stored, and delivered to the recorder
/// although a failing handler runs before it on every event.
/// </summary>
[Collection(SessionClusterCollection.Name)]
public sealed class SessionEventTests(SessionCluster fixture)
{
    private static readonly SessionDevice Device = new("Browser/1.0", "192.0.2.1");

    [Fact]
    public async Task Created_then_destroyed_once_and_events_never_carry_the_session_id()
    {
        var id = await NewSessionAsync();

        await fixture.Session(id).DestroyAsync();
        await fixture.Session(id).DestroyAsync(); // nothing left to destroy: no second event

        var events = await EventsAsync(id, SessionEventKind.Created, SessionEventKind.Destroyed);
        Assert.All(events, e => Assert.DoesNotContain(id, e.ToString()));
        Assert.Equal(SessionTag.Of(id), events[0].SessionTag);
    }

    [Fact]
    public async Task Expiry_names_the_layer_that_noticed()
    {
        var id = await NewSessionAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(21));

        Assert.Null(await fixture.Session(id).LoadAsync());

        var expired = (await EventsAsync(id, SessionEventKind.Created, SessionEventKind.Expired))[1];
        Assert.Equal(SessionExpiryLayer.OnAccess, expired.ExpiryLayer);
    }

    [Fact]
    public async Task Regeneration_ends_the_old_session_with_the_new_tag_and_creates_the_new_one()
    {
        var id = await NewSessionAsync();
        var newId = SessionCluster.NewSessionId();

        await fixture.Session(id).RegenerateAsync(newId, TwentyMinutes, null, Guid.NewGuid());

        var regenerated = (await EventsAsync(id, SessionEventKind.Created, SessionEventKind.Regenerated))[1];
        Assert.Equal(SessionTag.Of(newId), regenerated.NewSessionTag);
        await EventsAsync(newId, SessionEventKind.Created);
    }

    [Fact]
    public async Task Binding_unbinding_and_revocation_carry_the_user_and_the_handle()
    {
        var user = NewUser();
        var id = await NewSessionAsync();
        var handle = (await fixture.Users(user).BindAsync(id, Device, UserSessionLimit.None)).Binding!.Handle;
        await fixture.Users(user).UnbindAsync(id);
        var again = (await fixture.Users(user).BindAsync(id, Device, UserSessionLimit.None)).Binding!.Handle;

        await fixture.Users(user).RevokeAsync(again);

        var events = await EventsAsync(id, SessionEventKind.Created, SessionEventKind.UserBound, SessionEventKind.UserUnbound,
            SessionEventKind.UserBound, SessionEventKind.Revoked);
        Assert.Equal([null, handle, handle, again, again], events.Select(e => e.Handle));
        Assert.All(events.Skip(1), e => Assert.Equal(user, e.UserId));
    }

    [Fact]
    public async Task Binding_to_another_user_unbinds_from_the_first()
    {
        var (first, second) = (NewUser(), NewUser());
        var id = await NewSessionAsync();
        await fixture.Users(first).BindAsync(id, Device, UserSessionLimit.None);

        await fixture.Users(second).BindAsync(id, Device, UserSessionLimit.None);

        var events = await EventsAsync(id, SessionEventKind.Created, SessionEventKind.UserBound, SessionEventKind.UserUnbound, SessionEventKind.UserBound);
        Assert.Equal([null, first, first, second], events.Select(e => e.UserId));
    }

    [Fact]
    public async Task The_limit_raises_evicted_for_the_session_it_ends()
    {
        var user = NewUser();
        var (old, current) = (await NewSessionAsync(), await NewSessionAsync());
        await fixture.Users(user).BindAsync(old, Device, new UserSessionLimit(1));

        await fixture.Users(user).BindAsync(current, Device, new UserSessionLimit(1));

        await EventsAsync(old, SessionEventKind.Created, SessionEventKind.UserBound, SessionEventKind.Evicted);
        await EventsAsync(current, SessionEventKind.Created, SessionEventKind.UserBound);
    }

    /// <summary>Waits until the session's events are exactly <paramref name="kinds"/>, in order; fails on any other sequence.</summary>
    private async Task<IReadOnlyList<SessionLifecycleEvent>> EventsAsync(string id, params SessionEventKind[] kinds)
    {
        await SessionCluster.WaitUntilAsync(() => Task.FromResult(fixture.Events.Of(id).Count >= kinds.Length), $"{kinds.Length} events arrive");
        await Task.Delay(200); // time for a duplicate to show up, were one raised
        var events = fixture.Events.Of(id);
        Assert.Equal(kinds, events.Select(e => e.Kind));
        return events;
    }

    private async Task<string> NewSessionAsync()
    {
        var id = SessionCluster.NewSessionId();
        Assert.True((await fixture.Session(id).CreateAsync(TwentyMinutes, Set(("n", "1")))).Succeeded);
        return id;
    }

    private static string NewUser() => "user-" + Guid.NewGuid().ToString("N")[..8];
}
