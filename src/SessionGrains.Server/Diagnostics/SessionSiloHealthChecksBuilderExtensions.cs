using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionGrains.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks of a silo running SessionGrains (register them in the silo's host).</summary>
public static class SessionSiloHealthChecksBuilderExtensions
{
    /// <summary>The default name of <see cref="AddSessionSiloMembership"/>'s check.</summary>
    public const string MembershipCheckName = "session-silo-membership";

    /// <summary>The default name of <see cref="AddSessionStorage"/>'s check.</summary>
    public const string StorageCheckName = "session-storage";

    /// <summary>Adds a check that is healthy while this silo is an Active member of its cluster (no I/O).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name; <see cref="MembershipCheckName"/> by default.</param>
    /// <param name="failureStatus">The status reported when the silo is not Active; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="tags">Tags to filter the check by (e.g. "live", "ready").</param>
    /// <param name="timeout">How long the check may run; no limit by default.</param>
    public static IHealthChecksBuilder AddSessionSiloMembership(this IHealthChecksBuilder builder, string? name = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name ?? MembershipCheckName,
            services => ActivatorUtilities.CreateInstance<SiloMembershipHealthCheck>(services), failureStatus, tags, timeout));
    }

    /// <summary>Adds a check that writes, reads back and clears a probe record through the session storage provider.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name; <see cref="StorageCheckName"/> by default.</param>
    /// <param name="failureStatus">The status reported when the round trip fails or times out; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="tags">Tags to filter the check by (e.g. "ready").</param>
    /// <param name="timeout">How long the round trip may take; 5 seconds by default.</param>
    public static IHealthChecksBuilder AddSessionStorage(this IHealthChecksBuilder builder, string? name = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name ?? StorageCheckName,
            services => ActivatorUtilities.CreateInstance<SessionStorageHealthCheck>(services), failureStatus, tags,
            timeout ?? TimeSpan.FromSeconds(5)));
    }
}
