using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>Fails startup on an empty key ring name or timeouts that are not positive and ordered.</summary>
internal sealed class SessionKeyRingOptionsValidator : IValidateOptions<SessionKeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionKeyRingOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.KeyRingName))
        {
            failures.Add("SessionKeyRingOptions.KeyRingName must not be empty.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(30))
        {
            failures.Add("SessionKeyRingOptions.Timeout must be positive and at most 30 seconds.");
        }

        if (options.RetryDeadline < options.Timeout || options.RetryDeadline > TimeSpan.FromMinutes(2))
        {
            failures.Add("SessionKeyRingOptions.RetryDeadline must be at least Timeout and at most 2 minutes (Data Protection waits for it, at start-up on the host's start path).");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
