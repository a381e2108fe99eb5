namespace SessionGrains.Tests.Shared;

/// <summary>
/// Injects failures into calls that reach session grains and users' session indexes, as a dying silo or a broken connection causes them: the
/// acknowledgement is lost after the grain applied the call, the call is rejected before it runs, or the call stalls
/// past the caller's deadline and then runs. Arm a fault for a method; it fires on that many calls (or, with a
/// probability, on calls at random). Tests that arm faults must not run in parallel with others on the same silos.
/// </summary>
public sealed class SessionCallFaults : IIncomingGrainCallFilter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _calls = [];
    private readonly Random _random = new(42);
    private string? _method;
    private SessionFault _fault;
    private int _remaining;
    private double _probability;
    private TimeSpan _stall;

    /// <summary>Makes the next <paramref name="count"/> calls of <paramref name="method"/> (e.g. "IncrementAsync") fail with <paramref name="fault"/>.</summary>
    public void Arm(string method, SessionFault fault, int count = 1, TimeSpan stall = default)
        => Set(method, fault, count, 0, stall);

    /// <summary>Makes calls of every method fail at random with <paramref name="probability"/>: half lose the acknowledgement, half are rejected.</summary>
    public void ArmRandom(double probability) => Set(null, SessionFault.LoseAcknowledgement, int.MaxValue, probability, default);

    /// <summary>Stops injecting faults and resets the call counts.</summary>
    public void Disarm()
    {
        lock (_lock)
        {
            _remaining = 0;
            _calls.Clear();
        }
    }

    /// <summary>Calls of <paramref name="method"/> that reached a session grain since the last arming, faulted or not.</summary>
    public int CallsOf(string method)
    {
        lock (_lock)
        {
            return _calls.GetValueOrDefault(method);
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType is not { } type || (type != typeof(ISessionGrain) && type != typeof(IUserSessionsGrain)))
        {
            await context.Invoke();
            return;
        }

        var fault = Next(context.InterfaceMethod.Name);
        switch (fault)
        {
            case SessionFault.RejectBeforeRunning:
                throw new SiloUnavailableException("Injected: the call was rejected before it ran.");
            case SessionFault.Stall:
                await Task.Delay(_stall);
                await context.Invoke();
                return;
            case SessionFault.LoseAcknowledgement:
                await context.Invoke();
                throw new SiloUnavailableException("Injected: the call ran, and its acknowledgement was lost.");
            default:
                await context.Invoke();
                return;
        }
    }

    private void Set(string? method, SessionFault fault, int count, double probability, TimeSpan stall)
    {
        lock (_lock)
        {
            _calls.Clear();
            (_method, _fault, _remaining, _probability, _stall) = (method, fault, count, probability, stall);
        }
    }

    private SessionFault? Next(string method)
    {
        lock (_lock)
        {
            _calls[method] = _calls.GetValueOrDefault(method) + 1;
            if (_remaining <= 0 || (_method is not null && _method != method))
            {
                return null;
            }

            if (_probability > 0)
            {
                var roll = _random.NextDouble();
                return roll >= _probability ? null
                    : roll < _probability / 2 ? SessionFault.LoseAcknowledgement : SessionFault.RejectBeforeRunning;
            }

            _remaining--;
            return _fault;
        }
    }
}

/// <summary>A failure that <see cref="SessionCallFaults"/> injects.</summary>
public enum SessionFault
{
    /// <summary>The grain applies the call; the caller gets <see cref="SiloUnavailableException"/> instead of the answer.</summary>
    LoseAcknowledgement,

    /// <summary>The caller gets <see cref="SiloUnavailableException"/>; the grain never runs the call.</summary>
    RejectBeforeRunning,

    /// <summary>The call waits, then runs: the caller's deadline fires first.</summary>
    Stall,
}
