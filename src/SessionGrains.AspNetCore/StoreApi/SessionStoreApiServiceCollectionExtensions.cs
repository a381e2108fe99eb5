using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SessionGrains' HTTP/JSON session API (mapped by <c>MapSessionStoreApi</c>).</summary>
public static class SessionStoreApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds the session API's services and the grain calls it makes. They need an <see cref="IGrainFactory"/> (a
    /// co-hosted silo or a cluster client); <c>AddGrainSessions</c> is not required. Sessions it creates get
    /// <see cref="SessionFrontEndOptions.IdleTimeout"/> and <see cref="SessionFrontEndOptions.AbsoluteTimeout"/> unless
    /// the caller sends its own.
    /// </summary>
    public static IServiceCollection AddSessionStoreApi(this IServiceCollection services, Action<SessionStoreApiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SessionStoreApiOptions>().Configure(configure);
        return services.AddSessionStoreApiServices();
    }

    /// <summary>Adds the session API with options bound from <paramref name="configuration"/> (e.g. the "SessionStoreApi" section).</summary>
    public static IServiceCollection AddSessionStoreApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SessionStoreApiOptions>().Bind(configuration);
        return services.AddSessionStoreApiServices();
    }

    private static IServiceCollection AddSessionStoreApiServices(this IServiceCollection services)
    {
        services.AddOptions<SessionStoreApiOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionStoreApiOptions>, SessionStoreApiOptionsValidator>());
        services.AddSessionGrainCalls();
        services.TryAddSingleton<SessionStoreApiTokens>();
        services.TryAddSingleton<SessionStoreApiHandlers>();
        services.TryAddSingleton<StoreApiLeaseHolders>();
        return services;
    }
}
