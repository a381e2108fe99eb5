using System.Collections.Concurrent;
using Orleans.Storage;

namespace SessionGrains.Tests.Shared;

/// <summary>Counts storage operations per grain, then forwards them to the real storage provider.</summary>
public sealed class CountingGrainStorage(IGrainStorage inner, StorageOperationCounts counts) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        counts.Increment(grainId, "read");
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        counts.Increment(grainId, "write");
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        counts.Increment(grainId, "clear");
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }
}

/// <summary>Storage operation counts shared by every silo of a test cluster.</summary>
public sealed class StorageOperationCounts
{
    private readonly ConcurrentDictionary<(GrainId, string), int> _counts = new();

    public void Increment(GrainId grainId, string operation) => _counts.AddOrUpdate((grainId, operation), 1, (_, n) => n + 1);

    public int Reads(string sessionId) => _counts.GetValueOrDefault((SessionTestSilo.GrainIdOf(sessionId), "read"));

    public int Writes(string sessionId) => Writes(SessionTestSilo.GrainIdOf(sessionId));

    public int Writes(GrainId grainId) => _counts.GetValueOrDefault((grainId, "write"));

    public int Clears(string sessionId) => _counts.GetValueOrDefault((SessionTestSilo.GrainIdOf(sessionId), "clear"));
}
