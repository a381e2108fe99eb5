using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionGrains.Server;

/// <summary>Healthy while this silo is an Active member of its cluster; a silo that is joining, stopping or declared dead is not.</summary>
internal sealed class SiloMembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var description = $"silo {silo.SiloAddress} is {status}";
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy(description)
            : new HealthCheckResult(context.Registration.FailureStatus, description));
    }
}
