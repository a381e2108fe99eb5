using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionGrains;
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
        var options = services.AddOptions<SessionFrontEndOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionFrontEndOptions>, SessionFrontEndOptionsValidator>());
        services.TryAddSingleton<SessionCookieSigner>();
        services.TryAddSingleton<SessionCookieWriter>();
        services.TryAddSingleton<SessionReadCache>();
        services.AddMetrics();
        services.TryAddSingleton<SessionFrontEndMetrics>();
        services.TryAddSingleton<SessionFrontEndActivities>();
        services.TryAddSingleton<SessionGrainCaller>();
        services.TryAddSingleton<UserSessionBinder>();
        services.TryAddSingleton(ChooseReadPath);
        services.TryAddSingleton(sp => new UserSessionManager(sp.GetRequiredService<SessionGrainCaller>()));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// The one place that decides how loads are served without a grain call: a front end co-hosted with a silo reads the
    /// sessions active on it (<see cref="ILocalSessionReader"/>, registered by the silo); a cluster client serves them
    /// from its <see cref="SessionReadCache"/> under read leases, unless <see cref="SessionFrontEndOptions.ReadLease"/> is zero.
    /// Resolved when the app starts, so the order of <c>UseOrleans</c> and <c>AddGrainSessions</c> does not matter.
    /// </summary>
    private static GrainSessionStore ChooseReadPath(IServiceProvider services)
    {
        var localSessions = services.GetService<ILocalSessionReader>();
        var leased = localSessions is null && services.GetRequiredService<IOptions<SessionFrontEndOptions>>().Value.ReadLease > TimeSpan.Zero;
        return new GrainSessionStore(
            services.GetRequiredService<SessionGrainCaller>(),
            services.GetRequiredService<SessionFrontEndMetrics>(),
            services.GetRequiredService<SessionFrontEndActivities>(),
            services.GetRequiredService<ILogger<GrainSessionStore>>(),
            localSessions,
            leased ? services.GetRequiredService<SessionReadCache>() : null);
    }

    /// <summary>Adds the session services with options bound from <paramref name="configuration"/> (e.g. the "Session" section).</summary>
    public static IServiceCollection AddGrainSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SessionFrontEndOptions>().Bind(configuration);
        return services.AddGrainSessions();
    }
}
