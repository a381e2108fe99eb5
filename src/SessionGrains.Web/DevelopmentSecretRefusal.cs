using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;

namespace SessionGrains.Web;

/// <summary>
/// Outside Development: fails start-up when a configured secret is <see cref="DemoSessionSetup.DevelopmentSecret"/>, which
/// anyone can read here. (A missing secret already fails through the library's own validator.)
/// </summary>
internal sealed class DevelopmentSecretRefusal : IValidateOptions<SessionFrontEndOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionFrontEndOptions options)
        => options.Secrets.Contains(DemoSessionSetup.DevelopmentSecret, StringComparer.Ordinal)
            ? ValidateOptionsResult.Fail("Session:Secrets holds the demo's public development secret, which is only allowed in " +
                "Development: set Session:Secrets:0 (environment variable Session__Secrets__0) to a long random value.")
            : ValidateOptionsResult.Success;
}
