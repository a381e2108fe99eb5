using Microsoft.Extensions.Options;
using SessionGrains.Server;

namespace SessionGrains.Hosting;

/// <summary>
/// Fails silo start-up when <see cref="SessionSiloOptions.MaxSessionBytes"/> exceeds what one stored record of the
/// configured grain storage holds or serves well.
/// </summary>
internal sealed class StorageSessionSizeValidator(GrainStorageProvider storage) : IValidateOptions<SessionSiloOptions>
{
    /// <summary>The largest MaxSessionBytes that fits an Azure Table entity (~950 KB) after base64 and JSON encoding.</summary>
    public const int AzureTableMaxSessionBytes = 256 * 1024;

    /// <summary>
    /// The largest MaxSessionBytes on Redis. A hash field holds 512 MB, but Redis serves one command at a time: a record
    /// this large already stalls every other client for milliseconds per write.
    /// </summary>
    public const int RedisMaxSessionBytes = 64 * 1024 * 1024;

    /// <summary>
    /// The largest MaxSessionBytes on PostgreSQL (AdoNet). A bytea value holds 1 GB, but every write sends and stores the
    /// whole record (and its old version until vacuum): beyond this, writes stall the session and bloat the table.
    /// </summary>
    public const int AdoNetMaxSessionBytes = 64 * 1024 * 1024;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SessionSiloOptions options) => storage switch
    {
        GrainStorageProvider.AzureTable when options.MaxSessionBytes > AzureTableMaxSessionBytes => ValidateOptionsResult.Fail(
            $"SessionGrains:MaxSessionBytes exceeds {AzureTableMaxSessionBytes}, more than an Azure Table entity holds; use Cluster:GrainStorage=AzureBlob for larger sessions."),
        GrainStorageProvider.Redis when options.MaxSessionBytes > RedisMaxSessionBytes => ValidateOptionsResult.Fail(
            $"SessionGrains:MaxSessionBytes exceeds {RedisMaxSessionBytes}, more than Redis serves without stalling other clients; use Cluster:GrainStorage=AzureBlob for larger sessions."),
        GrainStorageProvider.AdoNet when options.MaxSessionBytes > AdoNetMaxSessionBytes => ValidateOptionsResult.Fail(
            $"SessionGrains:MaxSessionBytes exceeds {AdoNetMaxSessionBytes}, more than one PostgreSQL row serves well; use Cluster:GrainStorage=AzureBlob for larger sessions."),
        _ => ValidateOptionsResult.Success,
    };
}
