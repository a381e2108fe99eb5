using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace SessionGrains.Server;

/// <summary>
/// The persistent state of this package's grains, in the storage provider named by
/// <see cref="SessionSiloOptions.StorageName"/>. Single-silo storage is used directly, without Orleans' storage bridge,
/// whose queue yields the grain's turn before every write.
/// </summary>
internal sealed class GrainStateFactory(IPersistentStateFactory orleansStates, IServiceProvider services, IOptions<SessionSiloOptions> options)
{
    private readonly Lazy<SingleSiloGrainStorage?> _singleSilo = new(
        () => services.GetKeyedService<IGrainStorage>(options.Value.StorageName) as SingleSiloGrainStorage);

    public IPersistentState<T> Create<T>(IGrainContext grainContext, string stateName)
        => _singleSilo.Value is { } singleSilo
            ? new SingleSiloPersistentState<T>(singleSilo, stateName, grainContext)
            : orleansStates.Create<T>(grainContext, new GrainStateConfiguration(stateName, options.Value.StorageName));
}
