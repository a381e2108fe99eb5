using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.Server;

/// <summary>Starts every shard's sweeper as the silo becomes active, in the background: a silo's start never waits for the reminder service.</summary>
internal sealed class ExpirySweepStarter(
    IGrainFactory grains, IOptions<SessionSiloOptions> options, ISessionExpiryIndex index, IServiceProvider services, TimeProvider runtimeClock,
    ILogger<ExpirySweepStarter> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _starting = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(ExpirySweepStarter), ServiceLifecycleStage.Active, _ =>
        {
            WarnOfAMemoryIndexBesideDurableRecords();
            _starting = StartSweepersAsync(_stopping.Token);
            return Task.CompletedTask;
        }, async _ =>
        {
            await _stopping.CancelAsync();
            await _starting;
        });

    private void WarnOfAMemoryIndexBesideDurableRecords()
    {
        var storage = services.GetKeyedService<IGrainStorage>(options.Value.StorageName);
        if (index is MemorySessionExpiryIndex && storage is not null and not MemoryGrainStorage and not SingleSiloGrainStorage)
        {
            ExpirySweepLog.MemoryIndexBesideDurableRecords(logger, storage.GetType().Name);
        }
    }

    private async Task StartSweepersAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        var shards = Enumerable.Range(0, options.Value.ExpiryIndexShards);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAll(shards.Select(shard => grains.GetGrain<IExpirySweeperGrain>(shard).StartAsync()));
                return;
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                ExpirySweepLog.StartFailed(logger, delay, exception);
                try
                {
                    await Task.Delay(delay, runtimeClock, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = delay * 2 > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : delay * 2;
            }
        }
    }
}
