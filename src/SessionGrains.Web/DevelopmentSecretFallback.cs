using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;

namespace SessionGrains.Web;

/// <summary>Development only: signs with <see cref="DemoSessionSetup.DevelopmentSecret"/> when no secret is configured, and says so.</summary>
internal sealed partial class DevelopmentSecretFallback(ILogger<DevelopmentSecretFallback> logger) : IPostConfigureOptions<SessionFrontEndOptions>
{
    public void PostConfigure(string? name, SessionFrontEndOptions options)
    {
        if (options.Secrets.Length == 0)
        {
            UsingDevelopmentSecret(logger);
            options.Secrets = [DemoSessionSetup.DevelopmentSecret];
        }
    }

    [LoggerMessage(3100, LogLevel.Warning, "*** No Session:Secrets configured: signing session cookies with the PUBLIC DEVELOPMENT SECRET " +
        "(Development only; start-up fails in any other environment). Set Session__Secrets__0 to a long random value. ***")]
    private static partial void UsingDevelopmentSecret(ILogger logger);
}
