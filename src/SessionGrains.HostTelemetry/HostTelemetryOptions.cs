namespace SessionGrains.HostTelemetry;

/// <summary>
/// What the host exports through OpenTelemetry; bound from the configuration section "Telemetry". OTLP export is
/// OpenTelemetry's own setting: it is on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured.
/// </summary>
public sealed class HostTelemetryOptions
{
    /// <summary>The configuration section these settings bind from.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>
    /// The path of the Prometheus scraping endpoint (e.g. "/metrics"), on the host's HTTP listener. Empty (the default):
    /// none. It is unauthenticated, as Prometheus expects: expose it only where the scraper is.
    /// </summary>
    public string PrometheusPath { get; set; } = "";
}
