using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The hosts' health endpoints: <see cref="LivenessPath"/> runs the checks tagged <see cref="LiveTag"/> (for restarts),
/// <see cref="ReadinessPath"/> those tagged <see cref="ReadyTag"/> (for traffic). 200 when healthy or degraded, 503 when
/// unhealthy; the body names each check's status and description (never an exception's text).
/// </summary>
public static class SessionHealthEndpoints
{
    /// <summary>Liveness: fails only when restarting the process helps.</summary>
    public const string LivenessPath = "/healthz";

    /// <summary>Readiness: fails while the process cannot serve sessions.</summary>
    public const string ReadinessPath = "/healthz/ready";

    /// <summary>Tag of the checks that <see cref="LivenessPath"/> runs.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag of the checks that <see cref="ReadinessPath"/> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Maps <see cref="LivenessPath"/> and <see cref="ReadinessPath"/>.</summary>
    public static IEndpointRouteBuilder MapSessionHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks(LivenessPath, Only(LiveTag));
        endpoints.MapHealthChecks(ReadinessPath, Only(ReadyTag));
        return endpoints;
    }

    private static HealthCheckOptions Only(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = WriteText,
    };

    private static Task WriteText(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString()).Append('\n');
        foreach (var (name, entry) in report.Entries)
        {
            text.Append(name).Append(": ").Append(entry.Status).Append(" (").Append(entry.Description).Append(")\n");
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }
}
