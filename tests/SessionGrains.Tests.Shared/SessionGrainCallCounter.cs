namespace SessionGrains.Tests.Shared;

/// <summary>
/// Counts calls that reach session grains (reminder ticks and timers excluded, and so are the checks users' session
/// indexes make on their own schedule).
/// </summary>
public sealed class SessionGrainCallCounter : IIncomingGrainCallFilter
{
    private static readonly GrainType UserIndexType = GrainType.Create(SessionGrains.Server.SessionGrainNames.UserIndexGrainType);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(ISessionGrain) && context.SourceId?.Type != UserIndexType)
        {
            Interlocked.Increment(ref _calls);
        }

        return context.Invoke();
    }
}
