using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>Fails startup with a clear message when the options cannot work; the one place that checks the secrets.</summary>
internal sealed class SessionFrontEndOptionsValidator(ILogger<SessionFrontEndOptionsValidator>? logger = null) : IValidateOptions<SessionFrontEndOptions>
{
    private readonly ILogger _logger = logger ?? NullLogger<SessionFrontEndOptionsValidator>.Instance;

    public ValidateOptionsResult Validate(string? name, SessionFrontEndOptions options)
    {
        var failures = new List<string>();
        if (options.Secrets is not { Length: > 0 } || options.Secrets.Any(string.IsNullOrEmpty))
        {
            failures.Add("SessionFrontEndOptions.Secrets is required: set at least one non-empty secret " +
                "(configuration key Session:Secrets:0, environment variable Session__Secrets__0).");
        }
        else if (options.Secrets.Any(s => s.Length < 32))
        {
            SessionFrontEndLog.ShortSecret(_logger);
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add("SessionFrontEndOptions.Name (the cookie name) must not be empty.");
        }

        if (string.IsNullOrEmpty(options.Cookie.Path) || options.Cookie.Path[0] != '/')
        {
            failures.Add("SessionFrontEndOptions.Cookie.Path must start with '/'.");
        }

        if (options.IdleTimeout <= TimeSpan.Zero || options.AbsoluteTimeout <= TimeSpan.Zero)
        {
            failures.Add("SessionFrontEndOptions.IdleTimeout and AbsoluteTimeout must be positive.");
        }

        if (options.ReadLease < TimeSpan.Zero || options.ReadLease > SessionReadLease.MaxDuration)
        {
            failures.Add("SessionFrontEndOptions.ReadLease must be between 0 (off) and 10 seconds.");
        }

        var calls = options.Calls;
        if (calls.Timeout <= TimeSpan.Zero || calls.Timeout > TimeSpan.FromSeconds(30))
        {
            failures.Add("SessionFrontEndOptions.Calls.Timeout must be positive and at most 30 seconds.");
        }

        if (calls.MaxAttempts < 1 || calls.MaxAttempts > 100)
        {
            failures.Add("SessionFrontEndOptions.Calls.MaxAttempts must be between 1 (no retries) and 100.");
        }

        if (calls.RetryDeadline < calls.Timeout)
        {
            failures.Add("SessionFrontEndOptions.Calls.RetryDeadline must be at least Calls.Timeout.");
        }

        if (calls.RetryDeadline > SessionOperationWindow.MaxRetryDeadline)
        {
            failures.Add($"SessionFrontEndOptions.Calls.RetryDeadline must be at most {SessionOperationWindow.MaxRetryDeadline.TotalSeconds} seconds: " +
                "a later retry could reach a session that no longer remembers the write, and apply it twice.");
        }

        var keys = options.IdempotencyKeys;
        if (keys.InFlightLease < TimeSpan.FromMilliseconds(100) || keys.InFlightLease > TimeSpan.FromMinutes(1))
        {
            failures.Add("SessionFrontEndOptions.IdempotencyKeys.InFlightLease must be between 100 milliseconds and 1 minute.");
        }

        if (keys.MaxRecordedBodyBytes < 0 || keys.MaxRecordedBodyBytes > 1024 * 1024)
        {
            failures.Add("SessionFrontEndOptions.IdempotencyKeys.MaxRecordedBodyBytes must be between 0 and 1 MiB.");
        }

        if (options.Users.MaxSessionsPerUser < 0)
        {
            failures.Add("SessionFrontEndOptions.Users.MaxSessionsPerUser must not be negative (0 is no limit).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
