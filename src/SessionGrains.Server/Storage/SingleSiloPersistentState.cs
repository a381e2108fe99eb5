using Orleans.Core;

namespace SessionGrains.Server;

/// <summary>A grain's state in <see cref="SingleSiloGrainStorage"/>, read as the grain activates; every call completes within the grain's turn.</summary>
internal sealed class SingleSiloPersistentState<T> : IPersistentState<T>, IGrainState<T>, ILifecycleObserver
{
    private readonly SingleSiloGrainStorage _storage;
    private readonly string _stateName;
    private readonly GrainId _grainId;

    public SingleSiloPersistentState(SingleSiloGrainStorage storage, string stateName, IGrainContext grainContext)
    {
        (_storage, _stateName, _grainId) = (storage, stateName, grainContext.GrainId);
        grainContext.ObservableLifecycle.Subscribe(nameof(SingleSiloPersistentState<T>), GrainLifecycleStage.SetupState, this);
    }

    public T State { get; set; } = default!;

    T? IGrainState<T>.State { get => State; set => State = value!; }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    string? IStorage.Etag => ETag;

    public Task ReadStateAsync() => _storage.ReadStateAsync(_stateName, _grainId, this);

    public Task WriteStateAsync() => _storage.WriteStateAsync(_stateName, _grainId, this);

    public Task ClearStateAsync() => _storage.ClearStateAsync(_stateName, _grainId, this);

    Task ILifecycleObserver.OnStart(CancellationToken cancellationToken) => ReadStateAsync();

    Task ILifecycleObserver.OnStop(CancellationToken cancellationToken) => Task.CompletedTask;
}
