namespace SessionGrains.IntegrationTests;

/// <summary>Slows each sweeper's check of a due entry by <paramref name="delay"/> and counts the checks, so a test can act mid-sweep.</summary>
public sealed class SlowExpiryChecks(TimeSpan delay) : IIncomingGrainCallFilter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == "CheckIndexedExpiryAsync")
        {
            await Task.Delay(delay);
            Interlocked.Increment(ref _count);
        }

        await context.Invoke();
    }
}
