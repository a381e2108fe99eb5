using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionGrains.AspNetCore;

// Healthy when the management grain lists an active silo; the registration's timeout bounds the wait (a client whose
// gateways are gone may otherwise wait for Orleans' response timeout).
internal sealed class SessionClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var silos = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken);
            return silos.Count > 0
                ? HealthCheckResult.Healthy($"the session cluster answers: {silos.Count} active silo(s)")
                : new HealthCheckResult(context.Registration.FailureStatus, "the session cluster has no active silo");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "the session cluster is unreachable", exception);
        }
    }
}
