using System.Net;
using Microsoft.Extensions.Options;

namespace SessionGrains.Hosting;

/// <summary>
/// Fails silo and client start-up with a clear message when <see cref="SessionClusterOptions"/> cannot work: an
/// address that does not parse, ports out of range, empty IDs, a missing connection string for an Azure, Redis or AdoNet provider,
/// AdoNet grain storage on another database than PostgreSQL, failure detection values that are not positive, or a stale
/// window so short that a live silo's row could count as stale. Run by <c>UseSessionCluster</c> before anything is
/// configured.
/// </summary>
public sealed class SessionClusterOptionsValidator : IValidateOptions<SessionClusterOptions>
{
    /// <summary>The shortest time without a heartbeat after which a silo's membership row may count as stale.</summary>
    private static readonly TimeSpan MinimumStaleWindow = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SessionClusterOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"Cluster:AdvertisedAddress '{options.AdvertisedAddress}' is not an IP address.");
        }

        if (new[] { options.SiloPort, options.GatewayPort, options.PrimarySiloPort }.Concat(options.GatewayPorts).Any(port => port is <= 0 or > 65535))
        {
            failures.Add("Cluster:SiloPort, GatewayPort, PrimarySiloPort and GatewayPorts must be ports (1 to 65535).");
        }

        if (options.Clustering == ClusteringProvider.Localhost && options.GatewayPorts.Length == 0)
        {
            failures.Add("Cluster:GatewayPorts must name at least one gateway for Localhost clustering.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("Cluster:ClusterId and Cluster:ServiceId are required.");
        }

        if (options.GrainStorage == GrainStorageProvider.SingleSiloMemory && options.Clustering != ClusteringProvider.Localhost)
        {
            failures.Add("Cluster:GrainStorage=SingleSiloMemory serves one silo: it needs Cluster:Clustering=Localhost (use Memory, Redis, AdoNet, AzureTable or AzureBlob for several silos).");
        }

        var usesAzure = options.Clustering == ClusteringProvider.AzureStorage
            || options.GrainStorage is GrainStorageProvider.AzureTable or GrainStorageProvider.AzureBlob
            || options.Reminders == ReminderProvider.AzureTable;
        if (usesAzure && string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            failures.Add("Cluster:StorageConnectionString is required by the Azure Storage providers.");
        }

        var usesRedis = options.Clustering == ClusteringProvider.Redis || options.GrainStorage == GrainStorageProvider.Redis
            || options.Reminders == ReminderProvider.Redis;
        if (usesRedis && string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            failures.Add("Cluster:RedisConnectionString is required by the Redis providers.");
        }

        var usesAdoNet = options.Clustering == ClusteringProvider.AdoNet || options.GrainStorage == GrainStorageProvider.AdoNet
            || options.Reminders == ReminderProvider.AdoNet;
        if (usesAdoNet && (string.IsNullOrWhiteSpace(options.AdoNetConnectionString) || string.IsNullOrWhiteSpace(options.AdoNetInvariant)))
        {
            failures.Add("Cluster:AdoNetConnectionString (and Cluster:AdoNetInvariant) are required by the AdoNet providers.");
        }

        if (options.GrainStorage == GrainStorageProvider.AdoNet && !string.IsNullOrWhiteSpace(options.AdoNetInvariant)
            && !string.Equals(options.AdoNetInvariant, "Npgsql", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Cluster:GrainStorage=AdoNet keeps the session expiry index in PostgreSQL (table sessiongrains_expiry): Cluster:AdoNetInvariant must be Npgsql, not {options.AdoNetInvariant}.");
        }

        var detection = options.FailureDetection;
        if (detection.ProbeTimeout <= TimeSpan.Zero || detection.NumMissedProbesLimit <= 0
            || detection.NumVotesForDeathDeclaration <= 0 || detection.GatewayListRefreshPeriod <= TimeSpan.Zero
            || detection.IAmAliveTablePublishTimeout <= TimeSpan.Zero || detection.NumMissedTableIAmAliveLimit <= 0
            || detection.TableRefreshTimeout <= TimeSpan.Zero)
        {
            failures.Add("Cluster:FailureDetection values must be positive.");
        }
        else if (detection.NumMissedTableIAmAliveLimit < 2 || detection.IAmAliveTablePublishTimeout * detection.NumMissedTableIAmAliveLimit < MinimumStaleWindow)
        {
            // A live silo whose row counts as stale is evicted on fewer votes: one late heartbeat or a little clock skew must not make it so.
            failures.Add($"Cluster:FailureDetection:NumMissedTableIAmAliveLimit must be at least 2, and IAmAliveTablePublishTimeout × NumMissedTableIAmAliveLimit at least {MinimumStaleWindow.TotalSeconds:F0} s.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when <paramref name="options"/> cannot work.</summary>
    internal static void ThrowIfInvalid(SessionClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new SessionClusterOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SessionClusterOptions), result.Failures);
        }
    }
}
