using Microsoft.Extensions.Logging;

namespace SessionGrains.Server;

/// <summary>
/// The session's side of its user's session index: binds and unbinds the user, answers the index's lookups, and ends
/// the session when the index revokes or evicts it. The grain checks the session is live before each change.
/// </summary>
internal sealed class SessionUserLink(
    SessionRecordWriter writer, SessionCopies copies, SessionLifetime lifetime, SessionNotifier notifier, TimeProvider clock,
    ILogger logger, string logId)
{
    /// <summary>The session as its user's index lists it, or null unless it is live and bound to that user and handle.</summary>
    public UserSessionInfo? Find(string userId, string handle)
    {
        var record = writer.Record;
        var lastAccessAt = copies.LastAccessAt;
        var live = writer.Exists && clock.GetUtcNow() < record.ExpiresAt(lastAccessAt) && record.IsBoundTo(userId, handle);
        return live
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
            notifier.LeftUser(previous, movedTo: null); // it left the other user's sessions
            notifier.Raise(SessionEventKind.UserUnbound, previous);
        }

        notifier.Raise(SessionEventKind.UserBound, binding);
    }

    /// <summary>Removes the binding when it is still <paramref name="userId"/>'s <paramref name="handle"/>.</summary>
    public async Task<bool> UnbindAsync(string userId, string handle)
    {
        var user = writer.Record.User;
        if (!writer.Record.IsBoundTo(userId, handle))
        {
            return false;
        }

        await writer.WriteUserAsync(null);
        notifier.Raise(SessionEventKind.UserUnbound, user);
        return true;
    }

    /// <summary>Ends the session (revoked or evicted) when it is still <paramref name="userId"/>'s <paramref name="handle"/>.</summary>
    public async Task<bool> EndAsync(string userId, string handle, SessionEndReason reason)
    {
        var user = writer.Record.User;
        if (!writer.Record.IsBoundTo(userId, handle))
        {
            return false;
        }

        await lifetime.DeleteAsync();
        SessionGrainLog.EndedForUser(logger, logId, reason);
        notifier.Raise(reason == SessionEndReason.Evicted ? SessionEventKind.Evicted : SessionEventKind.Revoked, user);
        return true;
    }
}
