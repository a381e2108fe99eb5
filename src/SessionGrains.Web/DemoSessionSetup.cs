using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;

namespace SessionGrains.Web;

/// <summary>Binds the "Session" configuration section (and <see cref="MaxSessionsPerUserKey"/>) and falls back, loudly, to a development secret.</summary>
public static class DemoSessionSetup
{
    /// <summary>The secret used when none is configured. Public in this repository: never use it in production.</summary>
    /// <summary>The most sessions per user; 0 or unset is no limit. Beyond it, the user's least recently used session ends.</summary>
    public const string MaxSessionsPerUserKey = "SessionGrains:MaxSessionsPerUser";

    internal const string DevelopmentSecret = "sessiongrains-demo-development-secret-do-not-use-in-production";

    public static IServiceCollection AddDemoSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGrainSessions(configuration.GetSection("Session"));
        services.Configure<SessionFrontEndOptions>(options =>
        {
            // The demo's documented key (environment SessionGrains__MaxSessionsPerUser); Session:Users:MaxSessionsPerUser works too.
            if (configuration.GetValue<int?>(MaxSessionsPerUserKey) is { } max)
            {
                options.Users.MaxSessionsPerUser = max;
            }
        });
        services.AddSingleton<IPostConfigureOptions<SessionFrontEndOptions>, DevelopmentSecretFallback>();
        return services;
    }

    private sealed class DevelopmentSecretFallback(ILogger<DevelopmentSecretFallback> logger) : IPostConfigureOptions<SessionFrontEndOptions>
    {
        public void PostConfigure(string? name, SessionFrontEndOptions options)
        {
            if (options.Secrets.Length > 0)
            {
                return;
            }

            logger.LogWarning(
                "*** No Session:Secrets configured: signing session cookies with the PUBLIC DEVELOPMENT SECRET. " +
                "Anyone can forge sessions. NEVER use this in production: set Session__Secrets__0 to a long random value. ***");
            options.Secrets = [DevelopmentSecret];
        }
    }
}
