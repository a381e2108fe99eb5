namespace SessionGrains.Server;

/// <summary>The session grain's calls from its user's index (<see cref="IUserSessionsGrain"/>), through <see cref="UserIndexMembership"/>.</summary>
internal sealed partial class SessionGrain
{
    private UserIndexMembership? _userIndex; // made on first use: most sessions never meet their user's index

    private UserIndexMembership UserIndex => _userIndex ??= new(_writer, _readers, _lifetime, _events, TellUserIndexLeft, _clock, _log);

    public Task<UserSessionInfo?> FindUserSessionAsync(string userId, string handle, CancellationToken cancellationToken = default)
        => Task.FromResult(UserIndex.Find(userId, handle));

    public async Task<SessionWriteResult> BindUserAsync(SessionUserBinding binding, CancellationToken cancellationToken = default)
    {
        if (await _lifetime.AccessAsync(touch: false) is null)
        {
            return new(SessionWriteStatus.NoSession);
        }

        await UserIndex.BindAsync(binding);
        return Succeeded();
    }

    public async Task<bool> UnbindUserAsync(string userId, string handle, CancellationToken cancellationToken = default)
        => await _lifetime.AccessAsync(touch: false) is not null && await UserIndex.UnbindAsync(userId, handle);

    public async Task<bool> EndUserSessionAsync(string userId, string handle, SessionEndReason reason, CancellationToken cancellationToken = default)
        => await _lifetime.AccessAsync(touch: false) is not null && await UserIndex.EndAsync(userId, handle, reason);

    /// <summary>A one-way message: a session grain never waits for its user's index.</summary>
    private void TellUserIndexLeft(SessionUserBinding user, string? movedTo)
        => _ = GrainFactory.GetGrain<IUserSessionsGrain>(user.UserId).SessionEndedAsync(user.Handle, this.GetPrimaryKeyString(), movedTo);
}
