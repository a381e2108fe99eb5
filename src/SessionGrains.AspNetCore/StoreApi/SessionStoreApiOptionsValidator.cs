using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>Fails startup when a configured token is too short or the path prefix is not a path.</summary>
internal sealed class SessionStoreApiOptionsValidator : IValidateOptions<SessionStoreApiOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionStoreApiOptions options)
    {
        var failures = new List<string>();
        if (options.Tokens is null || options.Tokens.Any(t => t is null || t.Length < SessionStoreApiOptions.MinTokenLength || t.Trim() != t))
        {
            failures.Add($"SessionStoreApiOptions.Tokens: each token must be at least {SessionStoreApiOptions.MinTokenLength} characters, " +
                "without leading or trailing white space (configuration key SessionStoreApi:Tokens:0); use a long random secret.");
        }

        if (string.IsNullOrEmpty(options.PathPrefix) || options.PathPrefix[0] != '/' || (options.PathPrefix.Length > 1 && options.PathPrefix[^1] == '/')
            || options.PathPrefix.Contains('{') || options.PathPrefix.Contains('?'))
        {
            failures.Add("SessionStoreApiOptions.PathPrefix must be a path that starts with '/' and does not end with one (e.g. /session-store).");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
