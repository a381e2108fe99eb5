namespace SessionGrains.TestSupport;

/// <summary>Counts calls that reach session grains (reminder ticks and timers excluded).</summary>
public sealed class SessionGrainCallCounter : IIncomingGrainCallFilter
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(ISessionGrain))
        {
            Interlocked.Increment(ref _calls);
        }

        return context.Invoke();
    }
}
