namespace SessionGrains.AspNetCore;

/// <summary>
/// A user's sessions across the farm, for "your devices" pages and administrators: list them, revoke one, all, or all
/// but the current one. Sessions are named by opaque handles (<see cref="SessionUserBinding.Handle"/>), never by their
/// IDs. Registered by <c>AddGrainSessions</c>; cluster failures throw <see cref="SessionUnavailableException"/>.
/// </summary>
public sealed class UserSessionManager
{
    private readonly SessionGrainClient _client;

    internal UserSessionManager(SessionGrainClient client) => _client = client;

    /// <summary>The user's live sessions, oldest first.</summary>
    public Task<IReadOnlyList<UserSessionInfo>> ListAsync(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _client.ListUserSessionsAsync(userId);
    }

    /// <summary>Ends the user's session with <paramref name="handle"/>; false when the user has no live session with it.</summary>
    public Task<bool> RevokeAsync(string userId, string handle)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(handle);
        return _client.RevokeAsync(userId, handle);
    }

    /// <summary>Ends the user's sessions but the one with <paramref name="keepHandle"/> (all when null); how many ended.</summary>
    public Task<int> RevokeAllAsync(string userId, string? keepHandle = null)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _client.RevokeAllAsync(userId, keepHandle);
    }
}
