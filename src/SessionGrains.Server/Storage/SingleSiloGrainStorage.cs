using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace SessionGrains.Server;

/// <summary>
/// Grain storage in this silo's memory, for a cluster of one silo: a write is a dictionary update. While another silo is
/// active every call throws, as that silo could activate a grain without its state.
/// </summary>
internal sealed class SingleSiloGrainStorage(
    DeepCopier copier, IActivatorProvider activators, IClusterMembershipService membership, ILocalSiloDetails localSilo)
    : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), StoredState> _states = new();
    private MembershipVersion _checkedVersion = MembershipVersion.MinValue;
    private long _nextETag;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        EnsureSingleSilo();
        if (_states.TryGetValue((stateName, grainId), out var stored))
        {
            grainState.State = copier.Copy((T)stored.State);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        EnsureSingleSilo();
        var key = (stateName, grainId);
        var next = new StoredState(copier.Copy(grainState.State)!, Interlocked.Increment(ref _nextETag).ToString());
        var replaced = _states.TryGetValue(key, out var current)
            ? current.ETag == grainState.ETag && _states.TryUpdate(key, next, current)
            : grainState.ETag is null && _states.TryAdd(key, next);
        if (!replaced)
        {
            throw Mismatch(grainState.ETag, current?.ETag);
        }

        grainState.ETag = next.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        EnsureSingleSilo();
        var key = (stateName, grainId);
        if (_states.TryGetValue(key, out var current)
            && (current.ETag != grainState.ETag || !_states.TryRemove(new KeyValuePair<(string, GrainId), StoredState>(key, current))))
        {
            throw Mismatch(grainState.ETag, current.ETag);
        }

        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>Checked again only when membership changes.</summary>
    private void EnsureSingleSilo()
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.Version == _checkedVersion)
        {
            return;
        }

        foreach (var (silo, member) in snapshot.Members)
        {
            if (member.Status == SiloStatus.Active && !silo.Equals(localSilo.SiloAddress))
            {
                throw new InvalidOperationException(
                    $"Single-silo grain storage serves a cluster of one silo, and {silo} is active too. Use a shared storage provider (Memory, Redis, AdoNet, AzureTable or AzureBlob) for a cluster of several silos.");
            }
        }

        _checkedVersion = snapshot.Version;
    }

    private static InconsistentStateException Mismatch(string? presented, string? stored)
        => new($"The stored ETag {stored ?? "(none)"} does not match {presented ?? "(none)"}.", stored ?? string.Empty, presented ?? string.Empty);

    private sealed record StoredState(object State, string ETag);
}
