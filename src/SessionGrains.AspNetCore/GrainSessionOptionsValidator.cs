using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>Fails startup with a clear message when the options cannot work.</summary>
internal sealed class GrainSessionOptionsValidator : IValidateOptions<GrainSessionOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainSessionOptions options)
    {
        var failures = new List<string>();
        if (options.Secrets is not { Length: > 0 } || options.Secrets.Any(string.IsNullOrEmpty))
        {
            failures.Add("GrainSessionOptions.Secrets is required: set at least one non-empty secret " +
                "(configuration key Session:Secrets:0, environment variable Session__Secrets__0).");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add("GrainSessionOptions.Name (the cookie name) must not be empty.");
        }

        if (string.IsNullOrEmpty(options.Cookie.Path) || options.Cookie.Path[0] != '/')
        {
            failures.Add("GrainSessionOptions.Cookie.Path must start with '/'.");
        }

        if (options.IdleTimeout <= TimeSpan.Zero || options.AbsoluteTimeout <= TimeSpan.Zero)
        {
            failures.Add("GrainSessionOptions.IdleTimeout and AbsoluteTimeout must be positive.");
        }

        if (options.ReadLease < TimeSpan.Zero || options.ReadLease > TimeSpan.FromSeconds(10))
        {
            failures.Add("GrainSessionOptions.ReadLease must be between 0 (off) and 10 seconds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
