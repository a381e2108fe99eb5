using Microsoft.Extensions.Options;

namespace SessionGrains.Server;

/// <summary>Fails silo startup with a clear message when <see cref="SessionGrainOptions"/> cannot work.</summary>
internal sealed class SessionGrainOptionsValidator : IValidateOptions<SessionGrainOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionGrainOptions options)
    {
        var failures = new List<string>();
        if (options.MaxSessionBytes <= 0 || options.MaxKeys <= 0 || options.MaxKeyLength <= 0)
        {
            failures.Add("SessionGrainOptions limits must be positive.");
        }

        if (string.IsNullOrWhiteSpace(options.StorageName))
        {
            failures.Add("SessionGrainOptions.StorageName is required.");
        }

        if (options.TouchWriteInterval < TimeSpan.Zero)
        {
            failures.Add("SessionGrainOptions.TouchWriteInterval must not be negative.");
        }

        if (options.MaxRetainedOperations <= 0 || options.OperationRetention <= TimeSpan.Zero)
        {
            failures.Add("SessionGrainOptions.MaxRetainedOperations and OperationRetention must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
