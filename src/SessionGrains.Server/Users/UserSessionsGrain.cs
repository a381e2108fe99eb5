using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SessionGrains.Server;

/// <summary>One user's session index; its consistency argument is on <see cref="IUserSessionsGrain"/>.</summary>
[GrainType(SessionGrainNames.UserIndexGrainType)]
internal sealed class UserSessionsGrain : Grain, IUserSessionsGrain, IExpiryIndexedGrain, IRemindable
{
    private readonly IPersistentState<UserSessionIndex> _state;
    private readonly SessionSiloOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly GrainExpiryEntry _sweepEntry;

    public UserSessionsGrain(
        IGrainContext grainContext,
        GrainStateFactory states,
        IOptions<SessionSiloOptions> options,
        ISessionExpiryIndex expiryIndex,
        [FromKeyedServices(SessionGrainServiceKeys.TimeProvider)] TimeProvider clock,
        ILogger<UserSessionsGrain> logger)
    {
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _sweepEntry = new GrainExpiryEntry(expiryIndex, SessionExpiryEntryKind.UserIndex, grainContext.GrainId.Key.ToString()!, _options.ExpiryIndexShards);
        _state = states.Create<UserSessionIndex>(grainContext, SessionGrainNames.UserIndexState);
    }

    private string UserId => this.GetPrimaryKeyString();

    private List<UserSessionIndexEntry> Entries => _state.State.Entries;

    public async Task<UserSessionBindResult> BindAsync(
        string sessionId, SessionDevice? device, UserSessionLimit limit, CancellationToken cancellationToken = default)
    {
        if (Entries.Find(e => e.SessionId == sessionId) is { } existing
            && (await CheckAsync("bind", [existing])).FirstOrDefault() is { } bound)
        {
            return new(UserSessionBindStatus.Bound, new SessionUserBinding(UserId, bound.Entry.Handle, bound.Info.BoundAt, bound.Info.Device));
        }

        // The entries hold every live session of the user, so fewer entries than the limit need no check.
        var evicted = 0;
        if (limit.MaxSessions > 0 && Entries.Count >= limit.MaxSessions && await CheckAsync("bind") is { } live
            && live.Count >= limit.MaxSessions)
        {
            if (limit.Policy == UserSessionLimitPolicy.RefuseNewSession)
            {
                UserIndexLog.BindingRefused(_logger, limit.MaxSessions);
                return new(UserSessionBindStatus.LimitReached);
            }

            var oldest = live.OrderBy(s => s.Info.LastAccessAt).Take(live.Count - limit.MaxSessions + 1).ToList();
            evicted = await EndAsync(oldest, SessionEndReason.Evicted);
            UserIndexLog.Evicted(_logger, limit.MaxSessions, evicted);
        }

        // The entry first, then the session's record: a crash between them leaves an entry the next check drops.
        var binding = new SessionUserBinding(UserId, NewHandle(), _clock.GetUtcNow(), device?.Bounded());
        var entry = new UserSessionIndexEntry { Handle = binding.Handle, SessionId = sessionId };
        Entries.Add(entry);
        await WriteAsync();
        var result = await Session(sessionId).BindUserAsync(binding, cancellationToken);
        if (!result.Succeeded)
        {
            Entries.Remove(entry);
            await WriteAsync();
            return new(UserSessionBindStatus.NoSession, Evicted: evicted);
        }

        return new(UserSessionBindStatus.Bound, binding, evicted);
    }

    public async Task<bool> UnbindAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (Entries.Find(e => e.SessionId == sessionId) is not { } entry)
        {
            return false; // the index holds every session bound to the user
        }

        var unbound = await Session(sessionId).UnbindUserAsync(UserId, entry.Handle, cancellationToken);
        Entries.Remove(entry);
        await WriteAsync();
        return unbound;
    }

    public async Task<IReadOnlyList<UserSessionInfo>> ListAsync(CancellationToken cancellationToken = default)
        => (await CheckAsync("list")).Select(s => s.Info).OrderBy(i => i.CreatedAt).ThenBy(i => i.BoundAt).ToList();

    public async Task<bool> RevokeAsync(string handle, CancellationToken cancellationToken = default)
    {
        if (Entries.Find(e => e.Handle == handle) is not { } entry)
        {
            return false;
        }

        var live = await CheckAsync("revoke", [entry]);
        var revoked = await EndAsync(live, SessionEndReason.Revoked);
        UserIndexLog.Revoked(_logger, revoked);
        return revoked > 0;
    }

    public async Task<int> RevokeAllAsync(string? keepHandle = null, CancellationToken cancellationToken = default)
    {
        var live = await CheckAsync("revoke");
        var revoked = await EndAsync(live.Where(s => s.Entry.Handle != keepHandle).ToList(), SessionEndReason.Revoked);
        UserIndexLog.Revoked(_logger, revoked);
        return revoked;
    }

    public async Task<SessionWriteResult> RegenerateAsync(
        string sessionId, string newSessionId, SessionTimeouts timeouts, SessionChangeSet? changes, Guid operationId = default,
        CancellationToken cancellationToken = default)
    {
        var entry = Entries.Find(e => e.SessionId == sessionId || e.Moving.Contains(sessionId));
        if (entry is not null && !entry.Moving.Contains(newSessionId))
        {
            entry.Moving = [.. entry.Moving, newSessionId]; // known before the move: never a live bound session the index lacks
            await WriteAsync();
        }

        var result = await Session(sessionId).RegenerateAsync(newSessionId, timeouts, changes, operationId, cancellationToken);
        if (result.Succeeded && entry is not null)
        {
            entry.SessionId = newSessionId;
            entry.Moving = [];
            await WriteAsync();
        }

        return result;
    }

    public async Task SessionEndedAsync(string handle, string sessionId, string? movedTo)
    {
        if (Entries.Find(e => e.Handle == handle && e.SessionId == sessionId) is not { } entry)
        {
            return;
        }

        if (movedTo is not null && !entry.Moving.Contains(movedTo))
        {
            entry.Moving = [.. entry.Moving, movedTo];
        }

        await CheckAsync("session ended", [entry]);
    }

    async Task IExpiryIndexedGrain.CheckIndexedExpiryAsync(int shard, DateTimeOffset indexedDueAt)
    {
        _sweepEntry.RecordFound(shard, indexedDueAt);
        await SweepAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SessionGrainNames.UserIndexReminder)
        {
            await SweepAsync();
            if (await this.GetReminder(SessionGrainNames.UserIndexReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder); // after the index's entry is set: never a stored index without its sweep
            }
        }
    }

    /// <summary>A stored index that still holds entries is swept again one period later.</summary>
    private async Task SweepAsync()
    {
        await CheckAsync("sweep");
        if (Entries.Count == 0)
        {
            await WriteAsync(); // an index emptied before a crash
        }

        if (_state.RecordExists)
        {
            await _sweepEntry.SetAsync(_clock.GetUtcNow() + _options.UserIndexSweepPeriod);
        }
        else
        {
            await _sweepEntry.RemoveAsync();
        }

        DeactivateOnIdle();
    }

    /// <summary>
    /// Keeps the entries (all by default) whose session, or regenerated session, confirms them, drops the others, and
    /// stores the result; <paramref name="trigger"/> only labels the log.
    /// </summary>
    private async Task<List<ConfirmedIndexEntry>> CheckAsync(string trigger, IReadOnlyList<UserSessionIndexEntry>? entries = null)
    {
        entries ??= Entries.ToList();
        var found = await Task.WhenAll(entries.Select(FindAsync));
        var live = new List<ConfirmedIndexEntry>(entries.Count);
        var changed = false;
        for (var i = 0; i < entries.Count; i++)
        {
            if (found[i] is { } session)
            {
                live.Add(session);
                changed |= session.Moved;
            }
            else
            {
                Entries.Remove(entries[i]);
                changed = true;
            }
        }

        if (changed)
        {
            UserIndexLog.EntriesDropped(_logger, entries.Count - live.Count, trigger);
            await WriteAsync();
        }

        return live;
    }

    private async Task<ConfirmedIndexEntry?> FindAsync(UserSessionIndexEntry entry)
    {
        if (await Session(entry.SessionId).FindUserSessionAsync(UserId, entry.Handle) is { } info)
        {
            return new(entry, info, Moved: false);
        }

        // The confirmed ID has ended: a regeneration under way or done holds the session under one of the new IDs.
        foreach (var next in entry.Moving)
        {
            if (await Session(next).FindUserSessionAsync(UserId, entry.Handle) is { } moved)
            {
                entry.SessionId = next;
                entry.Moving = [];
                return new(entry, moved, Moved: true);
            }
        }

        return null;
    }

    /// <summary>How many were still live.</summary>
    private async Task<int> EndAsync(IReadOnlyList<ConfirmedIndexEntry> sessions, SessionEndReason reason)
    {
        if (sessions.Count == 0)
        {
            return 0;
        }

        var ended = await Task.WhenAll(sessions.Select(s => Session(s.Entry.SessionId).EndUserSessionAsync(UserId, s.Entry.Handle, reason)));
        foreach (var session in sessions)
        {
            Entries.Remove(session.Entry);
        }

        await WriteAsync();
        return ended.Count(e => e);
    }

    /// <summary>The expiry index entry comes before the first stored entry and goes after the record: no stored index lacks its sweep.</summary>
    private async Task WriteAsync()
    {
        if (Entries.Count == 0)
        {
            if (_state.RecordExists)
            {
                await _state.ClearStateAsync();
                await _sweepEntry.RemoveAsync();
            }

            return;
        }

        if (!_state.RecordExists)
        {
            await _sweepEntry.SetAsync(_clock.GetUtcNow() + _options.UserIndexSweepPeriod);
        }

        await _state.WriteStateAsync();
    }

    private ISessionGrain Session(string sessionId) => GrainFactory.GetGrain<ISessionGrain>(sessionId);

    private static string NewHandle() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
