using Microsoft.Extensions.Options;

namespace SessionGrains.HostTelemetry;

/// <summary>Refuses a Prometheus path that is not an absolute path ("/metrics").</summary>
public sealed class HostTelemetryOptionsValidator : IValidateOptions<HostTelemetryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HostTelemetryOptions options)
        => options.PrometheusPath.Length == 0 || (options.PrometheusPath.StartsWith('/') && !options.PrometheusPath.Contains('?'))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Telemetry:PrometheusPath '{options.PrometheusPath}' must be a path that starts with '/', e.g. /metrics.");
}
