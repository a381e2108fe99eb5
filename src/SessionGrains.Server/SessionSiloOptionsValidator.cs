using Microsoft.Extensions.Options;

namespace SessionGrains.Server;

/// <summary>Fails silo startup with a clear message when <see cref="SessionSiloOptions"/> cannot work.</summary>
internal sealed class SessionSiloOptionsValidator : IValidateOptions<SessionSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionSiloOptions options)
    {
        var failures = new List<string>();
        if (options.MaxSessionBytes <= 0 || options.MaxKeys <= 0 || options.MaxKeyLength <= 0)
        {
            failures.Add("SessionSiloOptions limits must be positive.");
        }

        if (string.IsNullOrWhiteSpace(options.StorageName))
        {
            failures.Add("SessionSiloOptions.StorageName is required.");
        }

        if (options.TouchWriteInterval < TimeSpan.Zero)
        {
            failures.Add("SessionSiloOptions.TouchWriteInterval must not be negative.");
        }

        if (options.MaxRetainedOperations <= 0)
        {
            failures.Add("SessionSiloOptions.MaxRetainedOperations must be positive.");
        }

        if (options.OperationRetention < SessionOperationWindow.MinRetention)
        {
            failures.Add($"SessionSiloOptions.OperationRetention must be at least {SessionOperationWindow.MinRetention.TotalSeconds} seconds: " +
                "a write's retries can arrive that late, and one arriving after its operation ID is forgotten applies again.");
        }

        if (options.MaxRecordedResponses < 0)
        {
            failures.Add("SessionSiloOptions.MaxRecordedResponses must not be negative (0 records none).");
        }

        if (options.UserIndexSweepPeriod <= TimeSpan.Zero)
        {
            failures.Add("SessionSiloOptions.UserIndexSweepPeriod must be positive.");
        }

        if (options.ExpirySweepInterval <= TimeSpan.Zero || options.ExpiryIndexShards <= 0 || options.ExpirySweepPageSize <= 0
            || options.ExpirySweepConcurrency <= 0)
        {
            failures.Add("SessionSiloOptions.ExpirySweepInterval, ExpiryIndexShards, ExpirySweepPageSize and ExpirySweepConcurrency must be positive.");
        }

        if (options.EventQueueCapacity <= 0 || options.EventHandlerTimeout <= TimeSpan.Zero)
        {
            failures.Add("SessionSiloOptions.EventQueueCapacity and EventHandlerTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
