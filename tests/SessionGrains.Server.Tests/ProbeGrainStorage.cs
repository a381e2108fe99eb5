using Orleans.Storage;

namespace SessionGrains.Server.Tests;

/// <summary>What <see cref="ProbeGrainStorage"/> does with the calls it gets.</summary>
public enum ProbeStorageMode
{
    Forward,
    Fail,
    Hang,
}

/// <summary>A grain storage provider that forwards to a real one, fails, or never answers; it records each operation.</summary>
public sealed class ProbeGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly List<(string Operation, GrainId GrainId)> _operations = [];

    public ProbeStorageMode Mode { get; set; }

    public IGrainStorage Inner => inner;

    public IReadOnlyList<(string Operation, GrainId GrainId)> Operations
    {
        get
        {
            lock (_lock)
            {
                return [.. _operations];
            }
        }
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => Run("read", grainId, () => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => Run("write", grainId, () => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => Run("clear", grainId, () => inner.ClearStateAsync(stateName, grainId, grainState));

    private Task Run(string operation, GrainId grainId, Func<Task> forward)
    {
        lock (_lock)
        {
            _operations.Add((operation, grainId));
        }

        return Mode switch
        {
            ProbeStorageMode.Fail => Task.FromException(new InvalidOperationException("Injected: the storage is down.")),
            ProbeStorageMode.Hang => Task.Delay(Timeout.Infinite),
            _ => forward(),
        };
    }
}
