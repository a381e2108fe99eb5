namespace SessionGrains.Server;

/// <summary>
/// A session as a member of its user's index (<see cref="IUserSessionsGrain"/>): binds and unbinds it, answers the
/// index's lookups, and ends it when the index revokes or evicts it. The grain checks the session is live first.
/// </summary>
internal sealed class UserIndexMembership(
    SessionRecordWriter writer, SessionReaders readers, SessionLifetime lifetime, SessionEventDispatcher events,
    Action<SessionUserBinding, string?> leftUser, TimeProvider clock, SessionGrainLog log)
{
    /// <summary>The session as its user's index lists it, or null unless it is live and bound to that user and handle.</summary>
    public UserSessionInfo? Find(string userId, string handle)
    {
        var record = writer.Record;
        var lastAccessAt = readers.LastAccessAt;
        return writer.IsLive(clock.GetUtcNow()) && record.IsBoundTo(userId, handle)
            ? new UserSessionInfo(handle, record.CreatedAt, lastAccessAt, record.User!.BoundAt, record.ExpiresAt(lastAccessAt), record.User.Device)
            : null;
    }

    /// <summary>Stores <paramref name="binding"/>; a session moved from another user leaves that user's index.</summary>
    public async Task BindAsync(SessionUserBinding binding)
    {
        var previous = writer.Record.User;
        if (previous == binding)
        {
            return;
        }

        await writer.WriteUserAsync(binding);
        if (previous is not null && previous.UserId != binding.UserId)
        {
            leftUser(previous, null);
            events.Raise(SessionEventKind.UserUnbound, log.SessionTag, previous);
        }

        events.Raise(SessionEventKind.UserBound, log.SessionTag, binding);
    }

    public async Task<bool> UnbindAsync(string userId, string handle)
    {
        var user = writer.Record.User;
        if (!writer.Record.IsBoundTo(userId, handle))
        {
            return false;
        }

        await writer.WriteUserAsync(null);
        events.Raise(SessionEventKind.UserUnbound, log.SessionTag, user);
        return true;
    }

    public async Task<bool> EndAsync(string userId, string handle, SessionEndReason reason)
    {
        var user = writer.Record.User;
        if (!writer.Record.IsBoundTo(userId, handle))
        {
            return false;
        }

        await lifetime.DeleteAsync();
        log.EndedForUser(reason);
        events.Raise(reason == SessionEndReason.Evicted ? SessionEventKind.Evicted : SessionEventKind.Revoked, log.SessionTag, user);
        return true;
    }
}
