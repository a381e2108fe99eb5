using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

// One request's work on its stored session, as EF Core's context over its change tracker: the ID, whether a live record
// backs it, and the grain calls that change it. A session that ends mid-request starts over empty.
internal sealed class SessionUnitOfWork(
    SessionGrainClient client,
    SessionCookieReader cookies,
    SessionFrontEndActivities activities,
    ILogger logger,
    SessionFrontEndOptions options,
    HttpContext context,
    IReadOnlyList<PresentedSessionId> presented)
{
    private string? _loadedId; // the presented ID whose session was loaded
    private int _step; // calls that may write, counted for the operation IDs of an Idempotency-Key request

    public HttpContext Context => context;

    // Made when a write needs it: most requests create and regenerate nothing.
    private SessionTimeouts Timeouts => new(options.IdleTimeout, options.AbsoluteTimeout);

    public IReadOnlyList<PresentedSessionId> Presented => presented;

    public SessionChangeTracker Tracker { get; } = new();

    public string? Id { get; private set; }

    public bool IsStored { get; private set; }

    /// <summary>The ID is not the one the request loaded (new, regenerated, or started over).</summary>
    public bool IdChanged => Id != _loadedId;

    /// <summary>Destroy, regeneration or an end mid-request ended the session the request presented.</summary>
    public bool EndedPresentedSession { get; private set; }

    public long Version { get; private set; }

    public SessionUserBinding? User { get; private set; }

    public bool IsLoaded { get; private set; }

    public bool SignedWithOlderSecret { get; private set; }

    public bool TouchRequested { get; set; }

    public bool SavedExplicitly { get; set; }

    public bool Committed { get; set; }

    /// <summary>Set when the request runs as the claimed attempt of an Idempotency-Key: its writes take derived operation IDs.</summary>
    public IdempotentRequest? Idempotent { get; set; }

    /// <summary>The ID, assigning a fresh random one if the session has none (never one the client sent).</summary>
    public string AssignId() => Id ??= NewId();

    public string NewId() => options.IdGenerator?.Invoke(context) ?? SessionIdGenerator.NewId();

    /// <summary>Loads the first presented ID that names a live session (duplicate cookies, header and cookie); with none, the session is new.</summary>
    public async Task LoadAsync()
    {
        using var activity = presented.Count > 0 ? activities.StartLoad() : null;
        foreach (var candidate in presented)
        {
            if (await client.LoadAsync(candidate.Id) is { } snapshot)
            {
                Id = _loadedId = candidate.Id;
                IsStored = true;
                SignedWithOlderSecret = candidate.SecretIndex > 0;
                AcceptLoaded(snapshot);
                break;
            }

            cookies.RejectUnknown();
        }

        activity?.SetTag("sessiongrains.session.found", IsStored);
        IsLoaded = true;
    }

    public async Task ReloadAsync()
    {
        if (!IsStored)
        {
            Tracker.DiscardUnsaved();
        }
        else if (await client.LoadAsync(Id!) is { } snapshot)
        {
            AcceptLoaded(snapshot);
        }
        else
        {
            EndedDuringRequest();
        }
    }

    public Task CarryOutAsync(SessionCommitRules.Plan plan)
    {
        _step++;
        return plan.Destroy ? DestroyAsync(nextId: null)
            : plan.Save ? SaveAsync()
            : plan.Touch ? TouchAsync()
            : Task.CompletedTask;
    }

    // Null if the session ended. A new session is created holding the sum: one call, and no other request sees it before.
    public async Task<long?> IncrementAsync(string key, long delta)
    {
        _step++;
        if (!IsStored && TrySum(key, delta, out var sum))
        {
            Tracker.Set(key, SessionValueFormat.FormatInt64(sum));
            await SaveAsync();
            if (!IsStored)
            {
                EndedDuringRequest();
                return null;
            }

            return sum;
        }

        await SaveUnsavedAsync();
        var result = IsStored ? await client.IncrementAsync(Id!, key, delta, OperationId(SessionWriteKind.Increment)) : null;
        if (result is not { Succeeded: true })
        {
            EndedDuringRequest();
            return null;
        }

        Tracker.AcceptIncrement(key, SessionValueFormat.FormatInt64(result.Value));
        Version = result.Version;
        return result.Value;
    }

    public async Task DestroyAsync(string? nextId)
    {
        if (IsStored)
        {
            await client.DestroyAsync(Id!);
        }

        StartOver(nextId);
    }

    /// <summary>Moves the data and unsaved changes to <paramref name="nextId"/> in one grain step, or starts over there if the session ended.</summary>
    public async Task MoveAsync(string nextId)
    {
        _step++;
        if (IsStored)
        {
            var changes = Tracker.HasUnsavedChanges ? Tracker.Changes() : null;
            var result = await client.RegenerateAsync(Id!, nextId, Timeouts, changes, User?.UserId, OperationId(SessionWriteKind.Regenerate));
            if (result.Status != SessionWriteStatus.Succeeded)
            {
                EndedDuringRequest(); // the old session ended meanwhile (or the new ID was taken): start clean
                Id = nextId;
                return;
            }

            Version = result.Version;
            Tracker.AcceptSaved();
        }

        Id = nextId;
    }

    public async Task<UserSessionBindResult> BindUserAsync(string userId, SessionDevice? device, UserSessionLimit limit)
    {
        _step++;
        await SaveUnsavedAsync();
        var result = IsStored ? await client.BindUserAsync(Id!, userId, device, limit) : new(UserSessionBindStatus.NoSession);
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

    public async Task<bool> UnbindUserAsync()
    {
        if (User is not { } user || !IsStored)
        {
            return false;
        }

        var unbound = await client.UnbindUserAsync(Id!, user.UserId);
        User = null;
        return unbound;
    }

    // Increments and bindings act on the stored session: a new one or unsaved changes are saved first.
    private Task SaveUnsavedAsync() => !IsStored || Tracker.HasUnsavedChanges ? SaveAsync() : Task.CompletedTask;

    // Creates a new session, or sends a stored one's unsaved changes.
    private async Task SaveAsync()
    {
        if (IsStored)
        {
            AcceptWritten(await client.ApplyAsync(Id!, Tracker.Changes(), OperationId(SessionWriteKind.Apply)));
            return;
        }

        AssignId();
        var created = await client.CreateAsync(Id!, Timeouts, Tracker.All(), OperationId(SessionWriteKind.Create));
        if (created.Status == SessionWriteStatus.AlreadyExists)
        {
            Id = NewId(); // a collision of random IDs: practically never, but never share a session
            created = await client.CreateAsync(Id, Timeouts, Tracker.All(), OperationId(SessionWriteKind.CreateAgain));
        }

        IsStored = created.Succeeded;
        Version = created.Version;
        Tracker.AcceptSaved();
    }

    // Random per write; derived from the key for every attempt of an Idempotency-Key request (the same step and kind, the same ID).
    private Guid OperationId(SessionWriteKind kind) => Idempotent?.OperationId(_step, kind) ?? Guid.NewGuid();

    private async Task TouchAsync() => AcceptWritten(await client.TouchAsync(Id!));

    private void AcceptWritten(SessionWriteResult result)
    {
        if (result.Status == SessionWriteStatus.NoSession)
        {
            EndedDuringRequest();
            return;
        }

        Version = result.Version;
        Tracker.AcceptSaved();
    }

    // The key's value plus delta; false when it is no integer or would overflow (the grain then says why).
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

    private void AcceptLoaded(SessionSnapshot snapshot)
    {
        Tracker.AcceptLoaded(snapshot.Data);
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
        SessionFrontEndLog.SessionEndedDuringRequest(logger);
        StartOver(id: null);
    }
}
