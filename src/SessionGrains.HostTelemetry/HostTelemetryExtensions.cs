using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SessionGrains;
using SessionGrains.HostTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry for this repository's hosts (the demo, the silo host): SessionGrains', Orleans', ASP.NET Core's and
/// the runtime's meters to Prometheus and/or OTLP, and traces to OTLP, each only when configured.
/// </summary>
public static class HostTelemetryExtensions
{
    /// <summary>The meters exported: SessionGrains' own, then the platform's.</summary>
    public static IReadOnlyList<string> Meters { get; } =
        [SessionGrainsTelemetry.FrontEndMeterName, SessionGrainsTelemetry.SiloMeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    /// <summary>The activity sources traced: a request's span, its session load and commit, and its grain calls.</summary>
    public static IReadOnlyList<string> ActivitySources { get; } =
        ["Microsoft.AspNetCore", SessionGrainsTelemetry.FrontEndActivitySourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Binds section "Telemetry" and registers OpenTelemetry when an export is configured.</summary>
    public static WebApplicationBuilder AddHostTelemetry(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(HostTelemetryOptions.SectionName);
        builder.Services.AddOptions<HostTelemetryOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HostTelemetryOptions>, HostTelemetryOptionsValidator>();

        var prometheus = !string.IsNullOrEmpty(section[nameof(HostTelemetryOptions.PrometheusPath)]);
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!prometheus && !otlp)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter([.. Meters]);
            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }
        });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource([.. ActivitySources])).UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Serves the Prometheus scraping endpoint at <see cref="HostTelemetryOptions.PrometheusPath"/> when one is configured.</summary>
    public static WebApplication MapHostTelemetry(this WebApplication app)
    {
        var path = app.Services.GetRequiredService<IOptions<HostTelemetryOptions>>().Value.PrometheusPath;
        if (path.Length > 0)
        {
            app.MapPrometheusScrapingEndpoint(path);
        }

        return app;
    }
}
