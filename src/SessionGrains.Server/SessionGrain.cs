using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SessionGrains.Server;

/// <summary>
/// One session: the <see cref="ISessionGrain"/> API (its contract is there), each call checking expiry through
/// <see cref="SessionLifetime"/> and then reading or writing through <see cref="SessionRecordWriter"/>. The calls from
/// the user's index are in Users/SessionGrain.UserIndex.cs.
/// </summary>
[GrainType(SessionGrainNames.SessionGrainType)]
internal sealed partial class SessionGrain : Grain, ISessionGrain, IExpiryIndexedGrain, IRemindable, IIncomingGrainCallFilter
{
    private readonly SessionSiloOptions _options;
    private readonly TimeProvider _clock;
    private readonly SessionGrainLog _log;
    private readonly SessionReaders _readers;
    private readonly SessionRecordWriter _writer;
    private readonly SessionExpirySchedule _expiry;
    private readonly SessionLifetime _lifetime;
    private readonly SessionEventDispatcher _events;
    private readonly SessionSiloMetrics _metrics;
    private bool _servedCaller; // false while the activation has served only sweeper checks and reminder ticks

    public SessionGrain(
        IGrainContext grainContext,
        GrainStateFactory states,
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
        _events = events;
        _metrics = metrics;
        var id = grainContext.GrainId.Key.ToString()!;
        _log = new SessionGrainLog(logger, SessionTag.Of(id));
        _readers = new SessionReaders(localSessions, id);
        var state = states.Create<SessionRecord>(grainContext, SessionGrainNames.SessionState);
        _writer = new SessionRecordWriter(state, _readers, _options, clock, _log);
        _expiry = new SessionExpirySchedule(this, OnExpiryTimerAsync, OnEmptyActivationEndAsync,
            _options.CollectionAge + collectionOptions.Value.CollectionQuantum, _log);
        var entry = new GrainExpiryEntry(expiryIndex, SessionExpiryEntryKind.Session, id, _options.ExpiryIndexShards);
        _lifetime = new SessionLifetime(_writer, _readers, _expiry, entry, events, TellUserIndexLeft, clock, DeactivateOnIdle, _log);
    }

    private SessionRecord Record => _writer.Record;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _metrics.CountActivation();
        _readers.RecordAccess(Record.LastAccessAt);
        if (_writer.Exists)
        {
            _readers.Publish(Record);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _metrics.CountDeactivation();
        await _readers.WithdrawAsync();
        await _writer.WriteUnwrittenAccessAsync();
    }

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        _servedCaller |= context.Request.GetInterfaceType() == typeof(ISessionGrain);
        return context.Invoke();
    }

    public async Task<SessionWriteResult> CreateAsync(
        SessionTimeouts timeouts, SessionChangeSet? initialChanges, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        if (timeouts.IdleTimeout <= TimeSpan.Zero || timeouts.AbsoluteTimeout <= TimeSpan.Zero)
        {
            return new(SessionWriteStatus.InvalidRequest, Error: "Timeouts must be positive.");
        }

        if (_writer.IsLive(now))
        {
            return await FindRepeatedAsync(operationId) is { } repeated
                ? Replay(repeated)
                : new(SessionWriteStatus.AlreadyExists, Error: "A live session holds this ID.");
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (initialChanges is not null && TryApply(data, initialChanges, out data) is { } refused)
        {
            return refused;
        }

        await _lifetime.StartAsync(now, timeouts, data, operationId);
        return Succeeded();
    }

    public async Task<SessionSnapshot?> LoadAsync(SessionReadLease? lease = null, CancellationToken cancellationToken = default)
    {
        if (await _lifetime.AccessAsync(touch: true) is not { } now)
        {
            return null;
        }

        if (lease is not null)
        {
            _readers.Grant(lease);
        }

        await _writer.WriteTouchIfDueAsync(now);
        return Record.ToSnapshot(_readers.LastAccessAt);
    }

    public async Task<SessionWriteResult> TouchAsync(CancellationToken cancellationToken = default)
    {
        if (await _lifetime.AccessAsync(touch: true) is not { } now)
        {
            return new(SessionWriteStatus.NoSession);
        }

        await _writer.WriteTouchIfDueAsync(now);
        return Succeeded();
    }

    public async Task<SessionWriteResult> ApplyAsync(
        SessionChangeSet changes, ISessionReadCache? writer = null, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        if (await _lifetime.AccessAsync(changes.Touch) is not { } now)
        {
            return new(SessionWriteStatus.NoSession);
        }

        if (await FindRepeatedAsync(operationId) is { } repeated)
        {
            return Replay(repeated);
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
        return Succeeded() with { Lease = RenewLease(writer) };
    }

    public async Task<SessionIncrementResult> IncrementAsync(
        string key, long delta, ISessionReadCache? writer = null, Guid operationId = default, CancellationToken cancellationToken = default)
    {
        if (await _lifetime.AccessAsync(touch: true) is null)
        {
            return new(SessionWriteStatus.NoSession);
        }

        if (await FindRepeatedAsync(operationId) is { } repeated)
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
        return new(SessionWriteStatus.Succeeded, next, Record.Version) { Lease = RenewLease(writer) };
    }

    public async Task<SessionWriteResult> RegenerateAsync(
        string newSessionId, SessionTimeouts timeouts, SessionChangeSet? changes, Guid operationId = default,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(newSessionId) || newSessionId == this.GetPrimaryKeyString())
        {
            return new(SessionWriteStatus.InvalidRequest, Error: "The new session ID must differ from the current one.");
        }

        var newSession = GrainFactory.GetGrain<ISessionGrain>(newSessionId);
        if (await _lifetime.AccessAsync(touch: true) is null)
        {
            return await SessionRegeneration.FindMovedAsync(newSession, operationId); // moved already: a retry
        }

        var data = Record.Data;
        if (changes is not null && TryApply(Record.Data, changes, out data) is { } refused)
        {
            return refused;
        }

        return await new SessionRegeneration(_writer, _readers, _lifetime, _events, _log)
            .MoveAsync(newSession, newSessionId, timeouts, data, operationId);
    }

    public async Task DestroyAsync(CancellationToken cancellationToken = default)
    {
        if (_writer.Exists)
        {
            var user = Record.User;
            await _lifetime.DeleteAsync();
            _log.Destroyed();
            _events.Raise(SessionEventKind.Destroyed, _log.SessionTag, user);
        }
        else
        {
            _expiry.ReleaseEmptyActivation();
        }
    }

    public Task<SessionWriteResult?> FindOperationAsync(Guid operationId, CancellationToken cancellationToken = default)
    {
        if (_writer.IsLive(_clock.GetUtcNow()))
        {
            return Task.FromResult(FindRepeated(operationId) is { } operation ? Replay(operation) : null);
        }

        _expiry.ReleaseEmptyActivation();
        return Task.FromResult<SessionWriteResult?>(null);
    }

    async Task IExpiryIndexedGrain.CheckIndexedExpiryAsync(int shard, DateTimeOffset indexedDueAt)
    {
        await _lifetime.CheckIndexedExpiryAsync(shard, indexedDueAt);
        DeactivateUnlessServedCaller();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SessionGrainNames.SessionReminder)
        {
            await _lifetime.OnVersion1ReminderAsync();
            DeactivateUnlessServedCaller();
        }
    }

    private Task OnExpiryTimerAsync(CancellationToken cancellationToken) => _lifetime.OnExpiryTimerAsync();

    /// <summary>An activation brought only by a sweeper's check or a reminder tick holds no memory after it.</summary>
    private void DeactivateUnlessServedCaller()
    {
        if (!_servedCaller)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>An activation that found no session has answered its queued calls: free it unless a session began meanwhile.</summary>
    private Task OnEmptyActivationEndAsync()
    {
        if (!_writer.Exists)
        {
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    private SessionWriteResult? TryApply(IReadOnlyDictionary<string, byte[]> current, SessionChangeSet changes, out Dictionary<string, byte[]> data)
        => SessionChangeSetApplier.TryApplyOrRefuse(current, changes, _options, _log, out data);

    private SessionWriteResult Succeeded() => new(SessionWriteStatus.Succeeded, Record.Version, _writer.ExpiresAt);

    // A holder's own write starts its lease again (its copy moved to the new version), never past the session's expiry.
    private TimeSpan RenewLease(ISessionReadCache? writer) => _readers.Renew(writer, _writer.ExpiresAt - _clock.GetUtcNow());
}
