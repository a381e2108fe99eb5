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
    public static IServiceCollection AddGrainSessions(this IServiceCollection services, Action<SessionFrontEndOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SessionFrontEndOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionFrontEndOptions>, SessionFrontEndOptionsValidator>());
        services.TryAddSingleton<SessionCookieSigner>();
        services.TryAddSingleton<SessionCookieReader>();
        services.TryAddSingleton<SessionCookieWriter>();
        services.TryAddSingleton<SessionCommitter>();
        services.TryAddSingleton<SessionIdempotency>();
        services.TryAddSingleton<SessionFrontEndActivities>();
        services.TryAddSingleton(TimeProvider.System);
        return services.AddSessionGrainCalls();
    }

    // The grain calls (retries, read path), user binding and UserSessionManager: shared with AddSessionStoreApi, which a
    // host without the middleware (a silo) may call alone. The front-end options are read, not required to be valid for
    // the middleware (no secret needed).
    internal static IServiceCollection AddSessionGrainCalls(this IServiceCollection services)
    {
        services.AddOptions<SessionFrontEndOptions>();
        services.TryAddSingleton<SessionReadCache>();
        services.AddMetrics();
        services.TryAddSingleton<SessionFrontEndMetrics>();
        services.TryAddSingleton<UserBindingRules>();
        services.TryAddSingleton(SessionGrainClient.Create);
        services.TryAddSingleton(sp => new UserSessionManager(sp.GetRequiredService<SessionGrainClient>()));
        return services;
    }

    /// <summary>Adds the session services with options bound from <paramref name="configuration"/> (e.g. the "Session" section).</summary>
    public static IServiceCollection AddGrainSessions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SessionFrontEndOptions>().Bind(configuration);
        return services.AddGrainSessions();
    }
}
