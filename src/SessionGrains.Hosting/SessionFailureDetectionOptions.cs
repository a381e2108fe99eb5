namespace SessionGrains.Hosting;

/// <summary>
/// How fast the cluster declares a silo dead (<see cref="SessionClusterOptions.FailureDetection"/>, configuration
/// section "Cluster:FailureDetection"); applied to Orleans' <c>ClusterMembershipOptions</c> on silos and
/// <c>GatewayOptions</c> on clients.
/// </summary>
/// <remarks>
/// Each silo probes a few others every <see cref="ProbeTimeout"/>; a silo that misses
/// <see cref="NumMissedProbesLimit"/> probes in a row (and indirect probes through other silos) is suspected, and dead
/// once <see cref="NumVotesForDeathDeclaration"/> silos suspect it. With the defaults a killed silo is declared dead in
/// about 2 to 4 seconds (Orleans' defaults: 5 s probes, up to 10 s and more), and session calls to it fail over within
/// the front end's retry budget (<c>Session:Calls:RetryDeadline</c>, 4 s). The trade-off: a live silo that stops
/// answering probes for that long (a long GC pause, CPU starvation) is declared dead too, and must restart; its
/// sessions move, and no acknowledged write is lost. Orleans lengthens its probe timeout while a prober's own health
/// is degraded, which guards against false verdicts from an overloaded prober.
/// </remarks>
public sealed class SessionFailureDetectionOptions
{
    /// <summary>How long a probe may go unanswered, and the probe period. Defaults to 1 second (Orleans' default: 5).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row before a silo suspects another. Defaults to 3 (as Orleans').</summary>
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>Suspecting silos needed to declare one dead. Defaults to 2 (as Orleans'); a 2-silo cluster needs only 1.</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>
    /// Clients only: how often a front end refreshes its list of gateways from the membership table, so that it finds
    /// restarted and new silos. Defaults to 10 seconds (Orleans' default: 1 minute).
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
