using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SessionGrains.Server;

/// <summary>
/// One session: the <see cref="ISessionGrain"/> API over three collaborators. <see cref="SessionRecordWriter"/> stores
/// the record; <see cref="SessionCopies"/> keeps the copies outside the grain (co-hosted local reads, front ends' read
/// leases) in step; <see cref="SessionExpirySchedule"/> holds the expiry timer, the reminder and the empty-activation
/// lifetime. Expiry is enforced in three layers: every call checks it first; while the grain is active, the timer
/// deletes the session when it expires; the durable reminder, registered once at creation, activates the grain of an
/// inactive session to delete it (also after silo restarts).
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

    private readonly SessionGrainOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _logId;
    private readonly SessionCopies _copies;
    private readonly SessionRecordWriter _writer;
    private readonly SessionExpirySchedule _expiry;
    private bool _servedCaller;
    private Task? _deletion;

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
        _clock = clock;
        _logger = logger;
        var id = grainContext.GrainId.Key.ToString()!;
        _logId = id.Length <= 6 ? id : id[..6] + "…";
        _copies = new SessionCopies(localSessions, id);
        var state = stateFactory.Create<SessionRecord>(grainContext, new StateConfiguration(StateName, _options.StorageName));
        _writer = new SessionRecordWriter(state, _copies, _options, clock, logger, _logId);
        _expiry = new SessionExpirySchedule(this, OnExpiryTimerAsync, OnEmptyLifetimeEndAsync,
            _options.CollectionAge + collectionOptions.Value.CollectionQuantum, reminderOptions.Value.MinimumReminderPeriod,
            _options, logger, _logId);
    }

    private SessionRecord Record => _writer.Record;

    private DateTimeOffset ExpiresAt => Record.ExpiresAt(_copies.LastAccessAt);

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _copies.RecordAccess(Record.LastAccessAt);
        if (_writer.Exists)
        {
            _copies.Publish(Record);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _copies.WithdrawAsync();
        if (_writer.Exists && _copies.LastAccessAt > Record.LastAccessAt && _clock.GetUtcNow() < ExpiresAt)
        {
            await _writer.WriteTouchAsync();
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

        if (_writer.Exists && now < ExpiresAt)
        {
            return Repeated(operationId) ?? new(SessionWriteStatus.AlreadyExists, Error: "A live session holds this ID.");
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (initialChanges is not null && TryApply(data, initialChanges, out data) is { } refused)
        {
            return refused;
        }

        // Reminder first: a crash before the record is written leaves a reminder that finds nothing and removes itself,
        // never a record without a reminder.
        await _expiry.RegisterReminderAsync(settings);
        await _copies.BeforeChangeAsync(); // holders of an ended session under this ID
        await _writer.CreateAsync(new SessionRecord
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
        SessionGrainLog.Created(_logger, _logId, settings.IdleTimeout, Record.AbsoluteExpiresAt);
        _expiry.Disarm();
        _expiry.Arm(ExpiresAt - now);
        return Succeeded();
    }

    /// <inheritdoc />
    public async Task<SessionSnapshot?> LoadAsync(SessionReadLease? lease = null, CancellationToken cancellationToken = default)
    {
        if (await AccessAsync() is not { } now)
        {
            return null;
        }

        if (lease is not null)
        {
            _copies.Grant(lease);
        }

        await _writer.WriteTouchIfDueAsync(now);
        return Record.ToSnapshot(_copies.LastAccessAt);
    }

    /// <inheritdoc />
    public async Task<SessionWriteResult> TouchAsync(CancellationToken cancellationToken = default)
    {
        if (await AccessAsync() is not { } now)
        {
            return new(SessionWriteStatus.NoSession);
        }

        await _writer.WriteTouchIfDueAsync(now);
        return Succeeded();
    }

    /// <inheritdoc />
    public async Task<SessionWriteResult> ApplyAsync(
        SessionChangeSet changes, ISessionReadCache? writer = null, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        if (await AccessAsync(changes.Touch) is not { } now)
        {
            return new(SessionWriteStatus.NoSession);
        }

        if (Repeated(operationId) is { } repeated)
        {
            return repeated;
        }

        if (!changes.HasDataChanges)
        {
            await _writer.WriteTouchIfDueAsync(now);
            return Succeeded();
        }

        if (TryApply(Record.Data, changes, out var data) is { } refused)
        {
            return refused;
        }

        await _writer.WriteDataAsync(data, writer, operationId, value: 0);
        return Succeeded();
    }

    /// <inheritdoc />
    public async Task<SessionIncrementResult> IncrementAsync(
        string key, long delta, ISessionReadCache? writer = null, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        if (await AccessAsync() is null)
        {
            return new(SessionWriteStatus.NoSession);
        }

        if (SessionOperationLog.Find(Record.Operations, operationId) is { } repeated)
        {
            SessionGrainLog.OperationRepeated(_logger, _logId, operationId);
            return new(SessionWriteStatus.Succeeded, repeated.Value, repeated.Version);
        }

        if (!SessionChangeSetApplier.TryMakeIncrement(Record.Data, key, delta, out var changes, out var next, out var invalid))
        {
            return new(SessionWriteStatus.InvalidRequest, Error: invalid);
        }

        if (TryApply(Record.Data, changes, out var data) is { } refused)
        {
            return new(refused.Status, Error: refused.Error);
        }

        await _writer.WriteDataAsync(data, writer, operationId, next);
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

        var newSession = GrainFactory.GetGrain<ISessionGrain>(newSessionId);
        if (await AccessAsync() is null)
        {
            // Moved already? Then this is a retry, and the new session recorded the move under the same operation ID.
            return operationId != Guid.Empty && await newSession.FindOperationAsync(operationId) is { } moved
                ? moved
                : new(SessionWriteStatus.NoSession);
        }

        var carried = new SessionChangeSet { Clear = true, Sets = Record.Data };
        if (changes is not null)
        {
            if (TryApply(Record.Data, changes, out var data) is { } refused)
            {
                return refused;
            }

            carried.Sets = data;
        }

        // This grain does not interleave, so nothing can change or read it while the new session is created; local
        // reads and read leases are withdrawn first, so they wait for the outcome here too.
        await _copies.WithdrawAsync();
        var created = await newSession.CreateAsync(settings, carried, operationId);
        if (created.Succeeded)
        {
            await DeleteAsync();
            SessionGrainLog.Regenerated(_logger, _logId);
        }
        else
        {
            _copies.Publish(Record);
        }

        return created;
    }

    /// <inheritdoc />
    public async Task DestroyAsync(CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        if (_writer.Exists)
        {
            await DeleteAsync();
            SessionGrainLog.Destroyed(_logger, _logId);
        }
        else
        {
            _expiry.ReleaseEmptyActivation();
        }
    }

    /// <inheritdoc />
    public Task<SessionWriteResult?> FindOperationAsync(Guid operationId, CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        if (!_writer.Exists || _clock.GetUtcNow() >= ExpiresAt)
        {
            _expiry.ReleaseEmptyActivation();
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

        if (!_writer.Exists)
        {
            await _expiry.UnregisterReminderAsync();
            _expiry.ReleaseEmptyActivation();
            return;
        }

        if (_expiry.IsTimerArmed)
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
        if (!await DeleteIfExpiredAsync(SessionExpiryLayer.OnAccess) && _writer.Exists)
        {
            if (touch)
            {
                _copies.RecordAccess(now);
            }

            _expiry.Arm(ExpiresAt - now);
            return now;
        }

        _expiry.ReleaseEmptyActivation();
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
        if (!_writer.Exists || _clock.GetUtcNow() < expiresAt)
        {
            return false;
        }

        await DeleteAsync();
        SessionGrainLog.Expired(_logger, _logId, expiresAt, layer);
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
        await _copies.WithdrawAsync();
        _expiry.Disarm();
        await _writer.ClearAsync();
        await _expiry.UnregisterReminderAsync();
        DeactivateOnIdle();
    }

    private async Task OnExpiryTimerAsync(CancellationToken cancellationToken)
    {
        if (!await DeleteIfExpiredAsync(SessionExpiryLayer.Timer) && _writer.Exists)
        {
            _expiry.Rearm(ExpiresAt - _clock.GetUtcNow());
        }
    }

    private Task OnEmptyLifetimeEndAsync()
    {
        if (!_writer.Exists)
        {
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The one refusal path: applies <paramref name="changes"/> to <paramref name="current"/> into <paramref name="data"/>,
    /// or answers (and logs) why not.
    /// </summary>
    private SessionWriteResult? TryApply(IReadOnlyDictionary<string, byte[]> current, SessionChangeSet changes, out Dictionary<string, byte[]> data)
    {
        var status = SessionChangeSetApplier.TryApply(current, changes, _options, out data, out var error);
        if (status == SessionWriteStatus.Succeeded)
        {
            return null;
        }

        SessionGrainLog.ChangeRefused(_logger, _logId, error);
        return new(status, Error: error);
    }

    private SessionWriteResult Succeeded() => new(SessionWriteStatus.Succeeded, Record.Version, ExpiresAt);

    /// <summary>The stored result when <paramref name="operationId"/> was applied already (a retry); otherwise null.</summary>
    private SessionWriteResult? Repeated(Guid operationId)
    {
        if (SessionOperationLog.Find(Record.Operations, operationId) is not { } operation)
        {
            return null;
        }

        SessionGrainLog.OperationRepeated(_logger, _logId, operationId);
        return new(SessionWriteStatus.Succeeded, operation.Version, ExpiresAt);
    }

    private sealed record StateConfiguration(string StateName, string StorageName) : IPersistentStateConfiguration;
}
