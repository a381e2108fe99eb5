namespace SessionGrains.AspNetCore;

/// <summary>
/// Makes references to <typeparamref name="TGrain"/> grains by key. <c>GetGrain&lt;T&gt;(key)</c> reads the interface's
/// attributes by reflection on every call (9 % of a front end's CPU under write load once); this resolves the grain and
/// interface types once (PublicationOnly: a failure, e.g. a client not yet started, is not cached for the app's lifetime).
/// </summary>
internal sealed class GrainReferenceResolver<TGrain>(IGrainFactory grains) where TGrain : IGrainWithStringKey
{
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _types = new(() =>
    {
        var reference = (GrainReference)(object)grains.GetGrain<TGrain>("type-probe");
        return (reference.GrainId.Type, reference.InterfaceType);
    }, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>The grain with <paramref name="key"/>.</summary>
    public TGrain Get(string key) => (TGrain)grains.GetGrain(GrainId.Create(_types.Value.Grain, key), _types.Value.Interface);
}
