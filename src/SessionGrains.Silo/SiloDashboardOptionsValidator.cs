using Microsoft.Extensions.Options;

namespace SessionGrains.Silo;

/// <summary>Refuses to start a dashboard without a strong password or on a path the silo host uses.</summary>
internal sealed class SiloDashboardOptionsValidator : IValidateOptions<SiloDashboardOptions>
{
    public const int MinimumPasswordLength = 16;

    public ValidateOptionsResult Validate(string? name, SiloDashboardOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Password is not { Length: >= MinimumPasswordLength })
        {
            failures.Add($"Dashboard:Password must be set, at least {MinimumPasswordLength} characters, when Dashboard:Enabled is true.");
        }

        if (string.IsNullOrEmpty(options.UserName) || options.UserName.Contains(':'))
        {
            failures.Add("Dashboard:UserName must be set and contain no ':'.");
        }

        if (!options.Path.StartsWith('/') || options.Path.Length < 2 || options.Path.EndsWith('/') || options.Path.StartsWith("/healthz", StringComparison.Ordinal))
        {
            failures.Add("Dashboard:Path must start with '/', not end with '/', and not be a health endpoint (e.g. /dashboard).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
