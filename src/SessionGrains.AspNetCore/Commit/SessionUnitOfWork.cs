using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

/// <summary>
/// One request's work on its stored session, as EF Core's context is over its change tracker: which ID the session has,
/// whether a live record backs it, and the calls that load, create, change, increment, move and delete it through
/// <see cref="GrainSessionStore"/>. A session that ends mid-request (destroyed elsewhere, expired) starts over empty.
/// </summary>
internal sealed class SessionUnitOfWork(
    GrainSessionStore store, SessionTimeouts timeouts, Func<HttpContext, string>? idGenerator, HttpContext context)
{
    private string? _loadedId; // the presented ID whose session was loaded

    /// <summary>The session's data and its changes.</summary>
    public SessionChangeTracker Tracker { get; } = new();

    /// <summary>The session's ID: null until a new session needs one.</summary>
    public string? Id { get; private set; }

    /// <summary>A live record exists under <see cref="Id"/>.</summary>
    public bool IsStored { get; private set; }

    /// <summary>The ID is not the one the request loaded (new, regenerated, or started over).</summary>
    public bool IdChanged => Id != _loadedId;

    /// <summary>Destroy, regeneration or an end mid-request ended the session the request presented.</summary>
    public bool EndedPresentedSession { get; private set; }

    /// <summary>The stored version last seen: 0 for an unsaved session.</summary>
    public long Version { get; private set; }

    /// <summary>The user the session is bound to, or null.</summary>
    public SessionUserBinding? User { get; private set; }

    /// <summary>The presented IDs were looked up (<see cref="LoadAsync"/>).</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>The loaded session's ID was signed with an older secret: its cookie is re-signed.</summary>
    public bool SignedWithOlderSecret { get; private set; }

    /// <summary>The ID, assigning a fresh random one if the session has none (never one the client sent).</summary>
    public string AssignId() => Id ??= NewId();

    /// <summary>A fresh session ID, from <see cref="SessionFrontEndOptions.IdGenerator"/> or 24 random bytes.</summary>
    public string NewId() => idGenerator?.Invoke(context) ?? SessionIdGenerator.NewId();

    /// <summary>
    /// Loads the first of <paramref name="presented"/> that names a live session (duplicate cookies, header and cookie);
    /// with none, the session is new.
    /// </summary>
    public async Task LoadAsync(IReadOnlyList<PresentedSessionId> presented)
    {
        using var activity = presented.Count > 0 ? store.Activities.StartLoad() : null;
        foreach (var candidate in presented)
        {
            if (await store.LoadAsync(candidate.Id) is { } snapshot)
            {
                Id = _loadedId = candidate.Id;
                IsStored = true;
                SignedWithOlderSecret = candidate.SecretIndex > 0;
                Loaded(snapshot);
                break;
            }

            store.Metrics.CookieRejected(SessionCookieRejection.NoSession);
        }

        activity?.SetTag("sessiongrains.session.found", IsStored);
        IsLoaded = true;
    }

    /// <summary>Discards unsaved changes and reads the stored session again.</summary>
    public async Task ReloadAsync()
    {
        if (!IsStored)
        {
            Tracker.DiscardUnsaved();
        }
        else if (await store.LoadAsync(Id!) is { } snapshot)
        {
            Loaded(snapshot);
        }
        else
        {
            EndedDuringRequest();
        }
    }

    /// <summary>Creates the session if it is not stored, else sends its unsaved changes, or touches it when there are none.</summary>
    public async Task FlushAsync()
    {
        if (!IsStored)
        {
            AssignId();
            var created = await store.CreateAsync(Id!, timeouts, Tracker.All());
            if (created.Status == SessionWriteStatus.AlreadyExists)
            {
                Id = NewId(); // a collision of random IDs: practically never, but never share a session
                created = await store.CreateAsync(Id, timeouts, Tracker.All());
            }

            IsStored = created.Succeeded;
            Version = created.Version;
        }
        else
        {
            var result = Tracker.HasUnsavedChanges ? await store.ApplyAsync(Id!, Tracker.Changes()) : await store.TouchAsync(Id!);
            if (result.Status == SessionWriteStatus.NoSession)
            {
                EndedDuringRequest();
                return;
            }

            Version = result.Version;
        }

        Tracker.Saved();
    }

    /// <summary>
    /// Saves pending changes, then adds <paramref name="delta"/> in the grain; null if the session ended. A session not yet
    /// stored is created holding the sum: one grain call and one record write, and no other request can see it before.
    /// </summary>
    public async Task<long?> IncrementAsync(string key, long delta)
    {
        if (!IsStored && TrySum(key, delta, out var sum))
        {
            Tracker.Set(key, SessionValueFormat.FormatInt64(sum));
            await FlushAsync();
            if (!IsStored)
            {
                EndedDuringRequest();
                return null;
            }

            return sum;
        }

        if (!IsStored || Tracker.HasUnsavedChanges)
        {
            await FlushAsync();
        }

        var result = IsStored ? await store.IncrementAsync(Id!, key, delta) : null;
        if (result is not { Succeeded: true })
        {
            EndedDuringRequest();
            return null;
        }

        Tracker.Incremented(key, SessionValueFormat.FormatInt64(result.Value));
        Version = result.Version;
        return result.Value;
    }

    /// <summary>The key's value plus <paramref name="delta"/>; false when it is no integer or would overflow (the grain then says why).</summary>
    private bool TrySum(string key, long delta, out long sum)
    {
        long value = 0;
        sum = 0;
        if ((Tracker.TryGetValue(key, out var bytes) && !SessionValueFormat.TryParseInt64(bytes, out value))
            || (delta > 0 ? value > long.MaxValue - delta : value < long.MinValue - delta))
        {
            return false;
        }

        sum = value + delta;
        return true;
    }

    /// <summary>Deletes the stored session, if any, and starts over empty under <paramref name="nextId"/> (null: one when needed).</summary>
    public async Task DestroyAsync(string? nextId)
    {
        if (IsStored)
        {
            await store.DestroyAsync(Id!);
        }

        StartOver(nextId);
    }

    /// <summary>Moves the data and unsaved changes to <paramref name="nextId"/> in one grain step, or starts over there if the session ended.</summary>
    public async Task MoveAsync(string nextId)
    {
        if (IsStored)
        {
            var changes = Tracker.HasUnsavedChanges ? Tracker.Changes() : null;
            var result = await store.RegenerateAsync(Id!, nextId, timeouts, changes, User?.UserId);
            if (result.Status != SessionWriteStatus.Succeeded)
            {
                EndedDuringRequest(); // the old session ended meanwhile (or the new ID was taken): start clean
                Id = nextId;
                return;
            }

            Version = result.Version;
            Tracker.Saved();
        }

        Id = nextId;
    }

    /// <summary>Saves the session if needed, then binds it to <paramref name="userId"/> through the user's index.</summary>
    public async Task<UserSessionBindResult> BindUserAsync(string userId, SessionDevice? device, UserSessionLimit limit)
    {
        if (!IsStored || Tracker.HasUnsavedChanges)
        {
            await FlushAsync();
        }

        var result = IsStored ? await store.BindUserAsync(Id!, userId, device, limit) : new(UserSessionBindStatus.NoSession);
        if (result.Status == UserSessionBindStatus.Bound)
        {
            User = result.Binding;
        }
        else if (result.Status == UserSessionBindStatus.NoSession)
        {
            EndedDuringRequest();
        }

        return result;
    }

    /// <summary>Removes the session's binding; false when it had none.</summary>
    public async Task<bool> UnbindUserAsync()
    {
        if (User is not { } user || !IsStored)
        {
            return false;
        }

        var unbound = await store.UnbindUserAsync(Id!, user.UserId);
        User = null;
        return unbound;
    }

    private void Loaded(SessionSnapshot snapshot)
    {
        Tracker.Loaded(snapshot.Data);
        Version = snapshot.Version;
        User = snapshot.User;
    }

    private void StartOver(string? id)
    {
        EndedPresentedSession |= _loadedId is not null;
        Id = id;
        IsStored = false;
        Tracker.Reset();
        Version = 0;
        User = null;
    }

    private void EndedDuringRequest()
    {
        store.LogSessionEnded();
        StartOver(id: null);
    }
}
