using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;

namespace SessionGrains.Web;

/// <summary>
/// Binds the "Session" configuration section (and <see cref="MaxSessionsPerUserKey"/>). In Development only, a missing
/// secret falls back, loudly, to <see cref="DevelopmentSecret"/>; elsewhere start-up fails without a secret of one's own.
/// </summary>
public static class DemoSessionSetup
{
    /// <summary>The most sessions per user; 0 or unset is no limit. Beyond it, the user's least recently used session ends.</summary>
    public const string MaxSessionsPerUserKey = "SessionGrains:MaxSessionsPerUser";

    /// <summary>The secret used in Development when none is configured. Public in this repository: refused elsewhere.</summary>
    internal const string DevelopmentSecret = "sessiongrains-demo-development-secret-do-not-use-in-production";

    public static IServiceCollection AddDemoSessions(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
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
        if (environment.IsDevelopment())
        {
            services.AddSingleton<IPostConfigureOptions<SessionFrontEndOptions>, DevelopmentSecretFallback>();
        }
        else
        {
            services.AddSingleton<IValidateOptions<SessionFrontEndOptions>, DevelopmentSecretRefusal>();
        }

        return services;
    }
}
