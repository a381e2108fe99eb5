using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SessionGrains.Server;

/// <summary>
/// One session: the <see cref="ISessionGrain"/> API over its collaborators, each call delegating to one of them.
/// <see cref="SessionRecordWriter"/> stores the record; <see cref="SessionCopies"/> keeps the copies outside the grain
/// (local reads, read leases) in step; <see cref="SessionExpirySchedule"/> holds the expiry timer;
/// <see cref="SessionLifetime"/> checks expiry and ends the session; <see cref="SessionRegeneration"/> moves it to a new
/// ID; <see cref="SessionUserLink"/> is its side of its user's session index. Expiry has three layers: every call checks
/// it, the timer deletes an active expired session, and the expiry index's sweepers (<see cref="ISessionExpiryIndex"/>)
/// activate an inactive one whose entry came due, also after silo restarts.
/// </summary>
[GrainType(GrainTypeName)]
public sealed class SessionGrain : Grain, ISessionGrain, IExpiryIndexedGrain, IRemindable
{
    /// <summary>The pinned grain type name; storage keys and reminder rows are derived from it.</summary>
    public const string GrainTypeName = "session";

    /// <summary>The name of the state in the storage provider.</summary>
    public const string StateName = "session";

    /// <summary>The name of the per-session cleanup reminder of SessionGrains 1.0 (its next tick removes it).</summary>
    public const string ReminderName = "session-expiry";

    private readonly SessionSiloOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _logId;
    private readonly SessionCopies _copies;
    private readonly SessionRecordWriter _writer;
    private readonly SessionExpirySchedule _expiry;
    private readonly SessionLifetime _lifetime;
    private readonly SessionNotifier _notifier;
    private readonly SessionSiloMetrics _metrics;
    private SessionUserLink? _userLink; // made on first use: most sessions never meet their user's index
    private bool _servedCaller;

    /// <summary>Creates the grain; Orleans calls this.</summary>
    public SessionGrain(
        IGrainContext grainContext,
        IPersistentStateFactory stateFactory,
        IOptions<SessionSiloOptions> options,
        IOptions<GrainCollectionOptions> collectionOptions,
        ISessionExpiryIndex expiryIndex,
        [FromKeyedServices(SessionGrainServiceKeys.TimeProvider)] TimeProvider clock,
        LocalSessionDirectory localSessions,
        SessionEventDispatcher events,
        SessionSiloMetrics metrics,
        ILogger<SessionGrain> logger)
    {
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        var id = grainContext.GrainId.Key.ToString()!;
        _logId = SessionTag.Of(id); // logs name the session by its tag: the ID is a bearer secret
        _copies = new SessionCopies(localSessions, id);
        var state = stateFactory.Create<SessionRecord>(grainContext, new GrainStateConfiguration(StateName, _options.StorageName));
        _writer = new SessionRecordWriter(state, _copies, _options, clock, logger, _logId);
        _expiry = new SessionExpirySchedule(this, ct => _lifetime!.OnExpiryTimerAsync(ct), () => _lifetime!.OnEmptyLifetimeEndAsync(),
            _options.CollectionAge + collectionOptions.Value.CollectionQuantum, logger, _logId);
        _metrics = metrics;
        _notifier = new SessionNotifier(events, metrics, GrainFactory, clock, id);
        var entry = new GrainExpiryEntry(expiryIndex, SessionExpiryEntryKind.Session, id, _options.ExpiryIndexShards);
        _lifetime = new SessionLifetime(_writer, _copies, _expiry, entry, _notifier, clock, DeactivateOnIdle, logger, _logId);
    }

    private SessionRecord Record => _writer.Record;

    private SessionUserLink UserLink => _userLink ??= new(_writer, _copies, _lifetime, _notifier, _clock, _logger, _logId);

    private DateTimeOffset ExpiresAt => _writer.ExpiresAt;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _metrics.Activated();
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
        _metrics.Deactivated();
        await _copies.WithdrawAsync();
        await _writer.WriteUnwrittenAccessAsync();
    }

    /// <inheritdoc />
    public async Task<SessionWriteResult> CreateAsync(
        SessionTimeouts timeouts, SessionChangeSet? initialChanges, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        var now = _clock.GetUtcNow();
        if (timeouts.IdleTimeout <= TimeSpan.Zero || timeouts.AbsoluteTimeout <= TimeSpan.Zero)
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

        await _lifetime.StartAsync(now, timeouts, data, operationId);
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

        if (_writer.FindApplied(operationId) is { } repeated)
        {
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
        string newSessionId, SessionTimeouts timeouts, SessionChangeSet? changes, Guid operationId = default,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(newSessionId) || newSessionId == this.GetPrimaryKeyString())
        {
            return new(SessionWriteStatus.InvalidRequest, Error: "The new session ID must differ from the current one.");
        }

        var newSession = GrainFactory.GetGrain<ISessionGrain>(newSessionId);
        if (await AccessAsync() is null)
        {
            return await SessionRegeneration.FindMovedAsync(newSession, operationId); // moved already: a retry
        }

        var data = Record.Data;
        if (changes is not null && TryApply(Record.Data, changes, out data) is { } refused)
        {
            return refused;
        }

        return await new SessionRegeneration(_writer, _copies, _lifetime, _notifier, _logger, _logId)
            .MoveAsync(newSession, newSessionId, timeouts, data, operationId);
    }

    /// <inheritdoc />
    public async Task DestroyAsync(CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        if (_writer.Exists)
        {
            var user = Record.User;
            await _lifetime.DeleteAsync();
            SessionGrainLog.Destroyed(_logger, _logId);
            _notifier.Raise(SessionEventKind.Destroyed, user);
        }
        else
        {
            _expiry.ReleaseEmptyActivation();
        }
    }

    /// <inheritdoc />
    public Task<UserSessionInfo?> FindUserSessionAsync(string userId, string handle, CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        return Task.FromResult(UserLink.Find(userId, handle));
    }

    /// <inheritdoc />
    public async Task<SessionWriteResult> BindUserAsync(SessionUserBinding binding, CancellationToken cancellationToken = default)
    {
        if (await AccessAsync(touch: false) is null)
        {
            return new(SessionWriteStatus.NoSession);
        }

        await UserLink.BindAsync(binding);
        return Succeeded();
    }

    /// <inheritdoc />
    public async Task<bool> UnbindUserAsync(string userId, string handle, CancellationToken cancellationToken = default)
        => await AccessAsync(touch: false) is not null && await UserLink.UnbindAsync(userId, handle);

    /// <inheritdoc />
    public async Task<bool> EndUserSessionAsync(string userId, string handle, SessionEndReason reason, CancellationToken cancellationToken = default)
        => await AccessAsync(touch: false) is not null && await UserLink.EndAsync(userId, handle, reason);

    /// <inheritdoc />
    public Task<SessionWriteResult?> FindOperationAsync(Guid operationId, CancellationToken cancellationToken = default)
    {
        _servedCaller = true;
        if (!_writer.Exists || _clock.GetUtcNow() >= ExpiresAt)
        {
            _expiry.ReleaseEmptyActivation();
            return Task.FromResult<SessionWriteResult?>(null);
        }

        return Task.FromResult(SessionOperationLog.Find(Record.Operations, operationId) is { } operation ? Replay(operation) : null);
    }

    /// <inheritdoc />
    async Task IExpiryIndexedGrain.CheckIndexedExpiryAsync(int shard, DateTimeOffset indexedDueAt)
    {
        await _lifetime.CheckIndexedExpiryAsync(shard, indexedDueAt);
        if (!_servedCaller)
        {
            DeactivateOnIdle(); // activated only for this check
        }
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            await _lifetime.OnVersion1ReminderAsync();
            if (!_servedCaller)
            {
                DeactivateOnIdle();
            }
        }
    }

    /// <summary>Every call checks expiry first; the access time, or null when there is no live session.</summary>
    private Task<DateTimeOffset?> AccessAsync(bool touch = true)
    {
        _servedCaller = true;
        return _lifetime.AccessAsync(touch);
    }

    /// <summary>The one refusal path: <see cref="SessionChangeSetApplier.TryApplyOrRefuse"/> with this grain's limits and log.</summary>
    private SessionWriteResult? TryApply(IReadOnlyDictionary<string, byte[]> current, SessionChangeSet changes, out Dictionary<string, byte[]> data)
        => SessionChangeSetApplier.TryApplyOrRefuse(current, changes, _options, _logger, _logId, out data);

    private SessionWriteResult Succeeded() => new(SessionWriteStatus.Succeeded, Record.Version, ExpiresAt);

    /// <summary>The stored result when <paramref name="operationId"/> was applied already (a retry); otherwise null.</summary>
    private SessionWriteResult? Repeated(Guid operationId) => _writer.FindApplied(operationId) is { } operation ? Replay(operation) : null;

    /// <summary>The answer to an operation applied before: its version, and the session's expiry now.</summary>
    private SessionWriteResult Replay(SessionOperation operation) => new(SessionWriteStatus.Succeeded, operation.Version, ExpiresAt);
}
