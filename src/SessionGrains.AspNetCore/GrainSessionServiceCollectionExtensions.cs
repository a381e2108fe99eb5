using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SessionGrains' session middleware services.</summary>
public static class GrainSessionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the session services. They need an <see cref="IGrainFactory"/>: a co-hosted silo (<c>UseOrleans</c>) or a
    /// cluster client (<c>UseOrleansClient</c>).
    /// </summary>
    public static IServiceCollection AddGrainSessions(this IServiceCollection services, Action<GrainSessionOptions>? configure = null)
    {
        var options = services.AddOptions<GrainSessionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainSessionOptions>, GrainSessionOptionsValidator>());
        services.TryAddSingleton<SessionCookieSigner>();
        services.TryAddSingleton<SessionReadCache>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Adds the session services with options bound from <paramref name="configuration"/> (e.g. the "Session" section).</summary>
    public static IServiceCollection AddGrainSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GrainSessionOptions>().Bind(configuration);
        return services.AddGrainSessions();
    }
}
