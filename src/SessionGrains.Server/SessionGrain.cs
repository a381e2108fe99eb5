using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace SessionGrains.Server;

/// <summary>
/// One session. Expiry is enforced in three layers: every call checks it first; while the grain is active, a grain
/// timer deletes the session when it expires; a durable reminder, registered once at creation, activates the grain
/// of an inactive session to delete it (also after silo restarts). The last access lives in memory and reaches
/// storage only with data changes, on deactivation, or when the stored value is older than
/// <see cref="SessionGrainOptions.TouchWriteInterval"/>. Each stored record is published to the silo's
/// <see cref="LocalSessionDirectory"/>, so co-hosted front ends read it without a call.
/// </summary>
[GrainType(GrainTypeName)]
public sealed class SessionGrain : Grain, ISessionGrain, IRemindable
{
    /// <summary>The pinned grain type name; storage keys and reminder rows are derived from it.</summary>
    public const string GrainTypeName = "session";

    /// <summary>The name of the state in the storage provider.</summary>
    public const string StateName = "session";

    /// <summary>The name of the per-session cleanup reminder.</summary>
    public const string ReminderName = "session-expiry";

    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    /// <summary>
    /// How long an activation that found no session stays to answer calls queued behind the first one. Deactivating at
    /// once would bounce those calls from activation to activation until Orleans rejects them.
    /// </summary>
    private static readonly TimeSpan EmptyActivationLifetime = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<SessionRecord> _record;
    private readonly SessionGrainOptions _options;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _minimumReminderPeriod;
    private readonly TimeSpan _timerHorizon; // an idle activation lives about this long
    private readonly ILogger _logger;
    private readonly string _id;
    private readonly LocalSessionDirectory _localSessions;
    private readonly LocalSessionEntry _local = new(); // the published record and the live last access
    private SessionReadLeases? _leases;                // front ends that cache this session (client mode)

    private bool _servedCaller;
    private IGrainTimer? _expiryTimer;
    private Task? _deletion;
    private Task? _touchWrite;

    /// <summary>Creates the grain; Orleans calls this.</summary>
    public SessionGrain(
        IGrainContext grainContext,
        IPersistentStateFactory stateFactory,
        IOptions<SessionGrainOptions> options,
        IOptions<ReminderOptions> reminderOptions,
        IOptions<GrainCollectionOptions> collectionOptions,
        [FromKeyedServices(SessionGrainServiceKeys.TimeProvider)] TimeProvider clock,
        LocalSessionDirectory localSessions,
        ILogger<SessionGrain> logger)
    {
        _options = options.Value;
        _record = stateFactory.Create<SessionRecord>(grainContext, new StateConfiguration(StateName, _options.StorageName));
        _minimumReminderPeriod = reminderOptions.Value.MinimumReminderPeriod;
        _timerHorizon = _options.CollectionAge + collectionOptions.Value.CollectionQuantum;
        _clock = clock;
        _logger = logger;
        _localSessions = localSessions;
        _id = grainContext.GrainId.Key.ToString()!;
    }

    private SessionRecord Record => _record.State;

    private string LogId => _id.Length <= 6 ? _id : _id[..6] + "…";

    private DateTimeOffset LastAccessAt => _local.LastAccessAt;

    private DateTimeOffset ExpiresAt => Record.ExpiresAt(LastAccessAt);

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _local.RecordAccess(Record.LastAccessAt);
        if (_record.RecordExists)
        {
            Publish();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Withdraw(); // first, so that no local read's access comes after the write below
        await RevokeLeasesAsync();
        if (_record.RecordExists && LastAccessAt > Record.LastAccessAt && _clock.GetUtcNow() < ExpiresAt)
        {
            await WriteTouchAsync();
        }
    }

    /// <inheritdoc />
    public async Task<SessionWriteResult> CreateAsync(
        SessionSettings settings, SessionChangeSet? initialChanges, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        var now = _clock.GetUtcNow();
        if (settings.IdleTimeout <= TimeSpan.Zero || settings.AbsoluteTimeout <= TimeSpan.Zero)
        {
            return new(SessionWriteStatus.InvalidRequest, Error: "Timeouts must be positive.");
        }

        if (_record.RecordExists && now < ExpiresAt)
        {
            return Repeated(operationId) ?? new(SessionWriteStatus.AlreadyExists, Error: "A live session holds this ID.");
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (initialChanges is not null)
        {
            var status = SessionChangeSetApplier.TryApply(data, initialChanges, _options, out data, out var error);
            if (status != SessionWriteStatus.Succeeded)
            {
                return Refuse(status, error);
            }
        }

        // Reminder first: a crash before the record is written leaves a reminder that finds nothing and removes itself,
        // never a record without a reminder.
        await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod(settings), ReminderPeriod(settings));
        await RevokeLeasesAsync(); // holders of an ended session under this ID

        await WriteRecordAsync(new SessionRecord
        {
            Data = data,
            Version = 1,
            CreatedAt = now,
            LastAccessAt = now,
            IdleTimeout = settings.IdleTimeout,
            AbsoluteExpiresAt = now + settings.AbsoluteTimeout,
            Operations = SessionOperationLog.Append([], new SessionOperation { Id = operationId, Version = 1, At = now }, _options),
        });
        _deletion = null;
        SessionGrainLog.Created(_logger, LogId, settings.IdleTimeout, Record.AbsoluteExpiresAt);
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        EnsureExpiryTimer(now);
        return Succeeded();
    }

    /// <inheritdoc />
    public async Task<SessionSnapshot?> LoadAsync(SessionReadLease? lease = null, CancellationToken cancellationToken = default)
    {
        var now = await AccessAsync();
        if (now is null)
        {
            return null;
        }

        if (lease is not null)
        {
            (_leases ??= new()).Grant(lease);
        }

        await WriteTouchIfDueAsync(now.Value);
        return Record.ToSnapshot(LastAccessAt);
    }

    /// <inheritdoc />
    public async Task<SessionWriteResult> TouchAsync(CancellationToken cancellationToken = default)
    {
        var now = await AccessAsync();
        if (now is null)
        {
            return new(SessionWriteStatus.NoSession);
        }

        await WriteTouchIfDueAsync(now.Value);
        return Succeeded();
    }

    /// <inheritdoc />
    public async Task<SessionWriteResult> ApplyAsync(
        SessionChangeSet changes, ISessionReadCache? writer = null, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        var now = await AccessAsync(changes.Touch);
        if (now is null)
        {
            return new(SessionWriteStatus.NoSession);
        }

        if (Repeated(operationId) is { } repeated)
        {
            return repeated;
        }

        if (!changes.HasDataChanges)
        {
            await WriteTouchIfDueAsync(now.Value);
            return Succeeded();
        }

        var status = SessionChangeSetApplier.TryApply(Record.Data, changes, _options, out var data, out var error);
        if (status != SessionWriteStatus.Succeeded)
        {
            return Refuse(status, error);
        }

        await WriteDataAsync(data, writer, operationId, value: 0);
        return Succeeded();
    }

    /// <inheritdoc />
    public async Task<SessionIncrementResult> IncrementAsync(
        string key, long delta, ISessionReadCache? writer = null, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        var now = await AccessAsync();
        if (now is null)
        {
            return new(SessionWriteStatus.NoSession);
        }

        if (SessionOperationLog.Find(Record.Operations, operationId) is { } repeated)
        {
            SessionGrainLog.OperationRepeated(_logger, LogId, operationId);
            return new(SessionWriteStatus.Succeeded, repeated.Value, repeated.Version);
        }

        long current = 0;
        if (Record.Data.TryGetValue(key, out var bytes) && !SessionValueFormat.TryParseInt64(bytes, out current))
        {
            return new(SessionWriteStatus.InvalidRequest, Error: $"The value of key '{key}' is not an integer.");
        }

        long next;
        try
        {
            next = checked(current + delta);
        }
        catch (OverflowException)
        {
            return new(SessionWriteStatus.InvalidRequest, Error: $"Adding {delta} to {current} overflows a 64-bit integer.");
        }

        var changes = new SessionChangeSet { Sets = new() { [key] = SessionValueFormat.FormatInt64(next) } };
        var status = SessionChangeSetApplier.TryApply(Record.Data, changes, _options, out var data, out var error);
        if (status != SessionWriteStatus.Succeeded)
        {
            SessionGrainLog.ChangeRefused(_logger, LogId, error);
            return new(status, Error: error);
        }

        await WriteDataAsync(data, writer, operationId, next);
        return new(SessionWriteStatus.Succeeded, next, Record.Version);
    }

    /// <inheritdoc />
    public async Task<SessionWriteResult> RegenerateAsync(
        string newSessionId, SessionSettings settings, SessionChangeSet? changes, Guid operationId = default,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(newSessionId) || newSessionId == this.GetPrimaryKeyString())
        {
            return new(SessionWriteStatus.InvalidRequest, Error: "The new session ID must differ from the current one.");
        }

        if (await AccessAsync() is null)
        {
            // Moved already? Then this is a retry, and the new session recorded the move under the same operation ID.
            return operationId != Guid.Empty && await GrainFactory.GetGrain<ISessionGrain>(newSessionId).FindOperationAsync(operationId) is { } moved
                ? moved
                : new(SessionWriteStatus.NoSession);
        }

        var carried = new SessionChangeSet { Clear = true, Sets = Record.Data };
        if (changes is not null)
        {
            var status = SessionChangeSetApplier.TryApply(Record.Data, changes, _options, out var data, out var error);
            if (status != SessionWriteStatus.Succeeded)
            {
                return Refuse(status, error);
            }

            carried.Sets = data;
        }

        // This grain does not interleave, so nothing can change or read it while the new session is created; local
        // reads and read leases are withdrawn first, so they wait for the outcome here too.
        Withdraw();
        await RevokeLeasesAsync();
        var created = await GrainFactory.GetGrain<ISessionGrain>(newSessionId).CreateAsync(settings, carried, operationId);
        if (created.Succeeded)
        {
            await DeleteAsync();
            SessionGrainLog.Regenerated(_logger, LogId);
        }
        else
        {
            Publish();
        }

        return created;
    }

    /// <inheritdoc />
    public async Task DestroyAsync(CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        if (_record.RecordExists)
        {
            await DeleteAsync();
            SessionGrainLog.Destroyed(_logger, LogId);
        }
        else
        {
            ReleaseEmptyActivation();
        }
    }

    /// <inheritdoc />
    public Task<SessionWriteResult?> FindOperationAsync(Guid operationId, CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        if (!_record.RecordExists || _clock.GetUtcNow() >= ExpiresAt)
        {
            ReleaseEmptyActivation();
            return Task.FromResult<SessionWriteResult?>(null);
        }

        return Task.FromResult(SessionOperationLog.Find(Record.Operations, operationId) is { } operation
            ? new SessionWriteResult(SessionWriteStatus.Succeeded, operation.Version, ExpiresAt)
            : null);
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        if (!_record.RecordExists)
        {
            await UnregisterReminderAsync();
            ReleaseEmptyActivation();
            return;
        }

        if (_expiryTimer is not null)
        {
            return; // The armed expiry timer enforces expiry while the grain is active.
        }

        await DeleteIfExpiredAsync(SessionExpiryLayer.Reminder);
        if (!_servedCaller)
        {
            DeactivateOnIdle(); // Activated only for this check.
        }
    }

    /// <summary>Checks expiry first and records the access; the access time, or null when there is no live session.</summary>
    private async Task<DateTimeOffset?> AccessAsync(bool touch = true)
    {
        _servedCaller = true;
        var now = _clock.GetUtcNow();
        if (!await DeleteIfExpiredAsync(SessionExpiryLayer.OnAccess) && _record.RecordExists)
        {
            if (touch)
            {
                _local.RecordAccess(now);
            }

            EnsureExpiryTimer(now);
            return now;
        }

        ReleaseEmptyActivation();
        return null;
    }

    /// <summary>Deletes the session when it has expired; true when it did (or another interleaved call is doing so).</summary>
    private async Task<bool> DeleteIfExpiredAsync(SessionExpiryLayer layer)
    {
        if (_deletion is not null)
        {
            await _deletion;
            return true;
        }

        var expiresAt = ExpiresAt;
        if (!_record.RecordExists || _clock.GetUtcNow() < expiresAt)
        {
            return false;
        }

        await DeleteAsync();
        SessionGrainLog.Expired(_logger, LogId, expiresAt, layer);
        return true;
    }

    /// <summary>Deletes the record, then the reminder, then deactivates. Interleaved callers share one deletion.</summary>
    private async Task DeleteAsync()
    {
        _deletion ??= DeleteCoreAsync();
        try
        {
            await _deletion;
        }
        catch
        {
            _deletion = null;
            throw;
        }
    }

    private async Task DeleteCoreAsync()
    {
        Withdraw();
        await RevokeLeasesAsync();
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        await _record.ClearStateAsync();
        _record.State = new SessionRecord();
        await UnregisterReminderAsync();
        DeactivateOnIdle();
    }

    private async Task UnregisterReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception exception)
        {
            // The reminder stays registered; its next tick finds no record and tries again.
            SessionGrainLog.ReminderUnregisterFailed(_logger, LogId, exception);
        }
    }

    /// <summary>Stores the changed data with the write's operation ID and result, in one record write.</summary>
    private async Task WriteDataAsync(Dictionary<string, byte[]> data, ISessionReadCache? writer, Guid operationId, long value)
    {
        await RevokeLeasesAsync(keep: writer);
        var next = Record.Copy();
        next.Data = data;
        next.Version++;
        next.LastAccessAt = LastAccessAt;
        next.FormatVersion = SessionRecord.CurrentFormatVersion;
        next.Operations = SessionOperationLog.Append(Record.Operations,
            new SessionOperation { Id = operationId, Version = next.Version, Value = value, At = _clock.GetUtcNow() }, _options);
        await WriteRecordAsync(next);
    }

    private async Task WriteRecordAsync(SessionRecord next)
    {
        try
        {
            await StoreAsync(next, publish: true);
        }
        catch (Exception exception)
        {
            SessionGrainLog.WriteFailed(_logger, LogId, exception);
            throw;
        }
    }

    /// <summary>
    /// Stores <paramref name="next"/> in place of the current record (never changed once stored) and, unless told
    /// otherwise, publishes it to local readers; on failure the current record stays.
    /// </summary>
    private async Task StoreAsync(SessionRecord next, bool publish)
    {
        var previous = Record;
        _record.State = next;
        try
        {
            await _record.WriteStateAsync();
        }
        catch
        {
            _record.State = previous;
            throw;
        }

        _local.RecordAccess(next.LastAccessAt); // a new session's first access
        if (publish)
        {
            Publish();
        }
    }

    /// <summary>Writes the last access when the stored value has grown older than the touch write interval.</summary>
    private Task WriteTouchIfDueAsync(DateTimeOffset now)
    {
        if (!_options.IsTouchWriteDue(Record, now))
        {
            return Task.CompletedTask;
        }

        // Interleaved loads share one write.
        if (_touchWrite is not { IsCompleted: false })
        {
            _touchWrite = WriteTouchAsync();
        }

        return _touchWrite;
    }

    private async Task WriteTouchAsync()
    {
        var next = Record.Copy();
        next.LastAccessAt = LastAccessAt;
        next.Operations = SessionOperationLog.Append(Record.Operations, new SessionOperation { At = _clock.GetUtcNow() }, _options); // prunes
        try
        {
            await StoreAsync(next, publish: _local.Record is not null); // not while withdrawn (deactivating)
        }
        catch (Exception exception)
        {
            SessionGrainLog.TouchWriteFailed(_logger, LogId, exception);
        }
    }

    /// <summary>Front ends holding read leases drop the session (or their leases end) before a change is acknowledged.</summary>
    private Task RevokeLeasesAsync(ISessionReadCache? keep = null) => _leases?.RevokeAsync(_id, keep) ?? Task.CompletedTask;

    private void Publish() => _localSessions.Publish(_id, _local, Record);

    private void Withdraw() => _localSessions.Withdraw(_id, _local);

    /// <summary>No live session here: answer calls already queued, then free the activation (unknown IDs cost no memory).</summary>
    private void ReleaseEmptyActivation()
        => _expiryTimer ??= this.RegisterGrainTimer(OnExpiryTimerAsync, new GrainTimerCreationOptions(EmptyActivationLifetime, Timeout.InfiniteTimeSpan));

    /// <summary>
    /// Arms the expiry timer when the session would expire before an idle activation is collected; otherwise the
    /// activation goes first (and the reminder covers the session), so an idle session carries no timer.
    /// </summary>
    private void EnsureExpiryTimer(DateTimeOffset now)
    {
        var due = TimeUntilExpiry(now);
        if (_expiryTimer is null && due <= _timerHorizon)
        {
            _expiryTimer = this.RegisterGrainTimer(OnExpiryTimerAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
        }
    }

    private async Task OnExpiryTimerAsync(CancellationToken cancellationToken)
    {
        if (!_record.RecordExists)
        {
            DeactivateOnIdle();
        }
        else if (!await DeleteIfExpiredAsync(SessionExpiryLayer.Timer) && _record.RecordExists)
        {
            var due = TimeUntilExpiry(_clock.GetUtcNow());
            if (due <= _timerHorizon)
            {
                _expiryTimer?.Change(due, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _expiryTimer?.Dispose(); // touched meanwhile: expiry is now beyond the activation's lifetime
                _expiryTimer = null;
            }
        }
    }

    private TimeSpan TimeUntilExpiry(DateTimeOffset now)
    {
        var remaining = ExpiresAt - now;
        return remaining <= TimeSpan.Zero ? TimeSpan.Zero : remaining > MaxTimerDelay ? MaxTimerDelay : remaining;
    }

    private TimeSpan ReminderPeriod(SessionSettings settings)
    {
        var period = _options.ReminderPeriod ?? (settings.IdleTimeout > MaxTimerDelay ? MaxTimerDelay : settings.IdleTimeout);
        return period < _minimumReminderPeriod ? _minimumReminderPeriod : period;
    }

    private SessionWriteResult Succeeded() => new(SessionWriteStatus.Succeeded, Record.Version, ExpiresAt);

    /// <summary>The stored result when <paramref name="operationId"/> was applied already (a retry); otherwise null.</summary>
    private SessionWriteResult? Repeated(Guid operationId)
    {
        if (SessionOperationLog.Find(Record.Operations, operationId) is not { } operation)
        {
            return null;
        }

        SessionGrainLog.OperationRepeated(_logger, LogId, operationId);
        return new(SessionWriteStatus.Succeeded, operation.Version, ExpiresAt);
    }

    private SessionWriteResult Refuse(SessionWriteStatus status, string? error)
    {
        SessionGrainLog.ChangeRefused(_logger, LogId, error);
        return new(status, Error: error);
    }

    private sealed record StateConfiguration(string StateName, string StorageName) : IPersistentStateConfiguration;
}
