using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SessionGrains.Server;

/// <summary>
/// Sweeps one shard of the <see cref="ISessionExpiryIndex"/>: its timer asks each due entry's grain to check itself; a
/// failed check leaves the entry due. One reminder per shard brings it back after restarts; random placement spreads them.
/// </summary>
[GrainType(SessionGrainNames.ExpirySweeperGrainType), Orleans.Placement.RandomPlacement]
internal sealed class ExpirySweeperGrain : Grain, IExpirySweeperGrain, IRemindable
{
    private static readonly SessionExpiryEntryKind[] Kinds = Enum.GetValues<SessionExpiryEntryKind>();

    private static readonly TimeSpan FirstPassDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest turn a pass takes before it yields to other calls.</summary>
    private static readonly TimeSpan TurnBudget = TimeSpan.FromSeconds(10);

    private readonly ISessionExpiryIndex _index;
    private readonly SessionSiloOptions _options;
    private readonly TimeSpan _reminderPeriod;
    private readonly TimeProvider _clock;
    private readonly TimeProvider _runtimeClock;
    private readonly SessionSiloMetrics _metrics;
    private readonly ILogger _logger;
    private IGrainTimer? _timer;
    private bool _reminderRegistered;

    public ExpirySweeperGrain(
        ISessionExpiryIndex index,
        IOptions<SessionSiloOptions> options,
        IOptions<ReminderOptions> reminderOptions,
        [FromKeyedServices(SessionGrainServiceKeys.TimeProvider)] TimeProvider clock,
        TimeProvider runtimeClock,
        SessionSiloMetrics metrics,
        ILogger<ExpirySweeperGrain> logger)
    {
        _index = index;
        _options = options.Value;
        var minimum = reminderOptions.Value.MinimumReminderPeriod;
        _reminderPeriod = _options.ExpirySweepInterval < minimum ? minimum : _options.ExpirySweepInterval;
        _clock = clock;
        _runtimeClock = runtimeClock;
        _metrics = metrics;
        _logger = logger;
    }

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The first pass at once: a sweeper brought back by its reminder after a restart has a backlog to clear.
        var first = _options.ExpirySweepInterval < FirstPassDelay ? _options.ExpirySweepInterval : FirstPassDelay;
        _timer = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(first, _options.ExpirySweepInterval)
        {
            KeepAlive = true, // a sweeper stays with its silo; the reminder brings it back elsewhere
        });
        return Task.CompletedTask;
    }

    public async Task StartAsync()
    {
        if (!_reminderRegistered)
        {
            if (await this.GetReminder(SessionGrainNames.ExpirySweeperReminder) is null)
            {
                await this.RegisterOrUpdateReminder(SessionGrainNames.ExpirySweeperReminder, _reminderPeriod, _reminderPeriod);
            }

            _reminderRegistered = true;
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderRegistered |= reminderName == SessionGrainNames.ExpirySweeperReminder; // the activation and its timer are all a tick has to bring
        return Task.CompletedTask;
    }

    /// <summary>A backlog left after the turn's budget starts the next pass at once.</summary>
    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        var deadline = _runtimeClock.GetUtcNow() + (_options.ExpirySweepInterval < TurnBudget ? _options.ExpirySweepInterval : TurnBudget);
        await SweepOnceAsync(deadline);
        if (_runtimeClock.GetUtcNow() >= deadline)
        {
            _timer?.Change(TimeSpan.Zero, _options.ExpirySweepInterval);
        }
    }

    private async Task SweepOnceAsync(DateTimeOffset deadline)
    {
        var dueBy = _clock.GetUtcNow();
        var checkedCount = 0;
        foreach (var kind in Kinds)
        {
            while (true)
            {
                IReadOnlyList<SessionExpiryEntry> due;
                try
                {
                    due = await _index.ReadDueAsync(kind, Shard, dueBy, _options.ExpirySweepPageSize);
                }
                catch (Exception exception)
                {
                    ExpirySweepLog.ReadFailed(_logger, Shard, exception);
                    return;
                }

                var failed = await CheckAllAsync(due);
                checkedCount += due.Count - failed;
                // A page with failures ends the pass: its entries are still due, and the next pass retries them.
                if (failed > 0 || due.Count < _options.ExpirySweepPageSize || _runtimeClock.GetUtcNow() >= deadline)
                {
                    break;
                }
            }
        }

        if (checkedCount > 0)
        {
            ExpirySweepLog.Swept(_logger, Shard, checkedCount);
        }
    }

    /// <summary>How many checks failed.</summary>
    private async Task<int> CheckAllAsync(IReadOnlyList<SessionExpiryEntry> due)
    {
        var failed = 0;
        var next = 0;
        async Task RunAsync()
        {
            while (next < due.Count)
            {
                var entry = due[next++];
                try
                {
                    await GrainFactory.GetGrain<IExpiryIndexedGrain>(GrainIdOf(entry)).CheckIndexedExpiryAsync(entry.Shard, entry.DueAt!.Value);
                    _metrics.CountExpiryCheck(succeeded: true);
                }
                catch (Exception exception)
                {
                    failed++;
                    _metrics.CountExpiryCheck(succeeded: false);
                    ExpirySweepLog.CheckFailed(_logger, Shard, entry.Kind, exception);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(_options.ExpirySweepConcurrency, due.Count)).Select(_ => RunAsync()));
        return failed;
    }

    private static GrainId GrainIdOf(SessionExpiryEntry entry) => GrainId.Create(
        entry.Kind == SessionExpiryEntryKind.Session ? SessionGrainNames.SessionGrainType : SessionGrainNames.UserIndexGrainType, entry.Key);
}
