using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using SessionGrains.Tests.Shared;

namespace SessionGrains.Server.Tests;

/// <summary>A two-silo in-process cluster configured by <see cref="SessionTestSilo"/>.</summary>
public sealed class SessionCluster : IAsyncLifetime
{
    private readonly SessionTestSilo _silo = new();

    public SessionCluster()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            _silo.Configure(silo);
            silo.Configure<Orleans.Hosting.ReminderOptions>(o => o.RefreshReminderListPeriod = TimeSpan.FromSeconds(1)); // rows written to the table load within a second
        });
        Cluster = builder.Build();
    }

    public InProcessTestCluster Cluster { get; }
    public FakeTimeProvider Clock => _silo.Clock;
    public StorageOperationCounts StorageCounts => _silo.StorageCounts;
    public FakeLogCollector Logs => _silo.Logs;
    public SessionEventRecorder Events => _silo.Events;

    /// <summary>Calls that reached session grains on any silo so far.</summary>
    public int GrainCalls => _silo.Calls.Calls;
    public IGrainFactory Grains => Cluster.Client;

    public static string NewSessionId() => SessionTestSilo.NewSessionId();

    public static GrainId GrainIdOf(string sessionId) => SessionTestSilo.GrainIdOf(sessionId);

    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
        => SessionTestSilo.WaitUntilAsync(condition, what, timeout);

    public ISessionGrain Session(string sessionId) => Grains.GetGrain<ISessionGrain>(sessionId);

    public IUserSessionsGrain Users(string userId) => Grains.GetGrain<IUserSessionsGrain>(userId);

    public SessionCallFaults Faults => _silo.Faults;

    internal Task<UserSessionIndex?> ReadStoredUserIndexAsync(string userId)
        => SessionTestSilo.ReadStoredUserIndexAsync(Cluster.Silos[0].SiloHost.Services, userId);

    internal Task<SessionRecord?> ReadStoredRecordAsync(string sessionId)
        => SessionTestSilo.ReadStoredRecordAsync(Cluster.Silos[0].SiloHost.Services, sessionId);

    /// <summary>Counts the session's rows in the reminder table (sessions have none since 1.1; 1.0 registered one each).</summary>
    public async Task<int> CountRemindersAsync(string sessionId)
    {
        var table = Cluster.Silos[0].SiloHost.Services.GetRequiredService<IReminderTable>();
        return (await table.ReadRows(GrainIdOf(sessionId))).Reminders.Count;
    }

    /// <summary>The due times of the grain's entries in the expiry index (read straight from the index, not through the grain).</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> IndexEntriesAsync(string key, SessionExpiryEntryKind kind = SessionExpiryEntryKind.Session)
    {
        var services = Cluster.Silos[0].SiloHost.Services;
        var index = services.GetRequiredService<ISessionExpiryIndex>();
        var shards = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SessionSiloOptions>>().Value.ExpiryIndexShards;
        var due = await index.ReadDueAsync(kind, SessionExpiryEntry.ShardOf(key, shards), DateTimeOffset.MaxValue, int.MaxValue);
        return due.Where(e => e.Key == key).Select(e => e.DueAt!.Value).ToList();
    }

    /// <summary>
    /// Writes a reminder row as SessionGrains 1.0 registered one per session (here with a 1-second period); the silos'
    /// reminder services load it at their next refresh, as they load 1.0's rows after an upgrade.
    /// </summary>
    public Task WriteVersion1ReminderAsync(GrainId grain, string name)
        => Cluster.Silos[0].SiloHost.Services.GetRequiredService<IReminderTable>().UpsertRow(new ReminderEntry
        {
            GrainId = grain,
            ReminderName = name,
            StartAt = DateTime.UtcNow,
            Period = TimeSpan.FromSeconds(1),
        });

    /// <summary>Writes a record straight into storage, bypassing the grain (no index entry: as SessionGrains 1.0 stored it).</summary>
    internal Task WriteStoredRecordAsync(string sessionId, SessionRecord record)
        => SessionTestSilo.WriteStoredRecordAsync(Cluster.Silos[0].SiloHost.Services, sessionId, record);

    /// <summary>The local session directories of the silos, in silo order.</summary>
    internal IReadOnlyList<LocalSessionDirectory> LocalDirectories
        => Cluster.Silos.Select(s => s.SiloHost.Services.GetRequiredService<LocalSessionDirectory>()).ToList();

    /// <summary>The directory of the silo that hosts the session's grain; fails when no silo publishes it.</summary>
    internal LocalSessionDirectory HostDirectoryOf(string sessionId)
        => Assert.Single(LocalDirectories, d => d.IsPublished(sessionId));

    public bool IsActive(string sessionId) => Cluster.TryGetGrainContext(GrainIdOf(sessionId), out _);

    /// <summary>
    /// Waits until the session's record is gone and its deletion logged: the grain clears the record, removes its index
    /// entry, then logs, so the record can be seen gone before the log is written.
    /// </summary>
    public Task WaitUntilExpiredAsync(string sessionId, string what) => WaitUntilAsync(
        async () => await ReadStoredRecordAsync(sessionId) is null && ExpiryLayersLogged(sessionId).Count > 0, what);

    /// <summary>The expiry layers that logged deleting this session.</summary>
    public IReadOnlyList<string?> ExpiryLayersLogged(string sessionId) => Logs.GetSnapshot()
        .Where(r => r.Id.Name == "Expired" && r.GetStructuredStateValue("SessionTag") == SessionTag.Of(sessionId))
        .Select(r => r.GetStructuredStateValue("Layer"))
        .ToList();

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SessionClusterCollection : ICollectionFixture<SessionCluster>
{
    public const string Name = "session cluster";
}
