namespace SessionGrains.Hosting;

/// <summary>
/// How fast the cluster declares a silo dead (<see cref="SessionClusterOptions.FailureDetection"/>, configuration
/// section "Cluster:FailureDetection"); applied to Orleans' <c>ClusterMembershipOptions</c> on silos and
/// <c>GatewayOptions</c> on clients.
/// </summary>
/// <remarks>
/// <para>
/// Each silo probes a few others every <see cref="ProbeTimeout"/>; a silo that misses
/// <see cref="NumMissedProbesLimit"/> probes in a row (and indirect probes through other silos) is suspected, and dead
/// once <see cref="NumVotesForDeathDeclaration"/> silos suspect it. With the defaults a killed silo is declared dead in
/// about 2 to 4 seconds (Orleans' defaults: 5 s probes, up to 10 s and more), and session calls to it fail over within
/// the front end's retry budget (<c>Session:Calls:RetryDeadline</c>, 4 s). The trade-off: a live silo that stops
/// answering probes for that long (a long GC pause, CPU starvation) is declared dead too, and must restart; its
/// sessions move, and no acknowledged write is lost. Orleans lengthens its probe timeout while a prober's own health
/// is degraded, which guards against false verdicts from an overloaded prober.
/// </para>
/// <para>
/// After every silo crashed, no silo serves until the crashed silos' rows, still Active in the membership table, are
/// declared dead: a starting silo first checks that it reaches every Active silo. A silo that restarts on its old
/// endpoint (address and silo port) declares its own old row dead as it starts, so silos restarted together on their
/// old endpoints serve again within seconds; a row that remains (another silo's, or one whose declaration lost a write
/// race) is declared dead once the periodic <see cref="TableRefreshTimeout"/> reread retries it, or once the row is
/// stale. A row is stale <see cref="IAmAliveTablePublishTimeout"/> × <see cref="NumMissedTableIAmAliveLimit"/> after
/// the silo's last heartbeat (30 s with the defaults; Orleans' defaults: 90 s); starting silos then probe it and declare
/// it dead when it does not answer. That is the wait of silos that come back on new addresses, unless Kubernetes hosting
/// (<see cref="SessionClusterOptions.Kubernetes"/>) declares the silos whose pods are gone dead at once.
/// </para>
/// <para>
/// The trade-off of a short stale window: a live silo that cannot write its heartbeat for that long (its membership
/// storage is unreachable or slow, the process is paused, its clock is that far behind the others') counts as stale.
/// Other silos then probe it, stop gossiping to it and need fewer votes to evict it (one, when no silo is fresh), so a
/// silo cut off from its peers but not from storage may evict it alone. Staleness evicts no silo that answers probes.
/// </para>
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
    /// How often each silo writes its heartbeat ("I am alive") to the membership table: one small write per silo per
    /// period. Defaults to 10 seconds (Orleans' default: 30).
    /// </summary>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Heartbeats a silo may miss before its membership row counts as stale (see the remarks: how long a cluster whose
    /// silos all crashed may wait, and what a stale live silo risks). At least 2, and the stale window
    /// (<see cref="IAmAliveTablePublishTimeout"/> × this) at least 10 seconds. Defaults to 3 (as Orleans').
    /// </summary>
    public int NumMissedTableIAmAliveLimit { get; set; } = 3;

    /// <summary>
    /// How often each silo rereads the whole membership table, besides the changes gossiped to it; each reread also
    /// retries declaring the silo's own older rows dead. One table read per silo per period. Defaults to 10 seconds
    /// (Orleans' default: 60).
    /// </summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Clients only: how often a front end refreshes its list of gateways from the membership table, so that it finds
    /// restarted and new silos. Defaults to 10 seconds (Orleans' default: 1 minute).
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
