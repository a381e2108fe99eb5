using System.ComponentModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionGrains.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The health check of a web front end using SessionGrains.</summary>
public static class SessionGrainsHealthChecksBuilderExtensions
{
    /// <summary>The default name of <see cref="AddSessionClusterCheck"/>'s check.</summary>
    public const string ClusterCheckName = "session-cluster";

    /// <summary>
    /// Adds a check that is healthy when the session cluster answers this front end (co-hosted silo or cluster client)
    /// within <paramref name="timeout"/>. Tag it for readiness, not liveness: restarting a front end does not bring its cluster back.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name; <see cref="ClusterCheckName"/> by default.</param>
    /// <param name="failureStatus">The status reported when the cluster does not answer in time; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="tags">Tags to filter the check by (e.g. "ready").</param>
    /// <param name="timeout">How long the cluster may take to answer; 5 seconds by default.</param>
    public static IHealthChecksBuilder AddSessionClusterCheck(this IHealthChecksBuilder builder, string? name = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name ?? ClusterCheckName,
            services => new SessionClusterHealthCheck(services.GetRequiredService<IGrainFactory>()), failureStatus, tags,
            timeout ?? TimeSpan.FromSeconds(5)));
    }

    /// <inheritdoc cref="AddSessionClusterCheck"/>
    [Obsolete("Use AddSessionClusterCheck: AddSessionGrains is the silo's registration.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IHealthChecksBuilder AddSessionGrains(this IHealthChecksBuilder builder, string? name = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
        => builder.AddSessionClusterCheck(name, failureStatus, tags, timeout);
}
