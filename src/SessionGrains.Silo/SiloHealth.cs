using Orleans.Runtime;

namespace SessionGrains.Silo;

/// <summary>/healthz: 200 while this silo is an active member of its cluster, 503 otherwise (for scripts and probes).</summary>
internal static class SiloHealth
{
    public static IResult Check(IClusterMembershipService membership, ILocalSiloDetails silo)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var body = $"{silo.SiloAddress} {status}";
        return status == SiloStatus.Active ? Results.Text(body) : Results.Text(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
