using System.Data;
using System.Diagnostics;
using System.Text;
using Npgsql;
using SessionGrains.Hosting;
using SessionGrains.LocalFarm;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// SessionGrains' PostgreSQL schema: applying it is idempotent and safe concurrently, the silo host's setup-database
/// command applies it, and its statements refuse stale versions (what makes the providers raise InconsistentStateException).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture postgres)
{
    // 4 grain storage, 7 reminder and 9 clustering statements.
    private const int QueryCount = 20;

    [Fact]
    public async Task Applying_the_schema_again_and_concurrently_changes_nothing_and_sessions_still_round_trip()
    {
        await SessionDatabaseSchema.ApplyAsync(postgres.ConnectionString);
        await SessionDatabaseSchema.ApplyAsync(postgres.ConnectionString);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SessionDatabaseSchema.ApplyAsync(postgres.ConnectionString)));
        Assert.Equal(QueryCount, await postgres.CountAsync("SELECT count(*) FROM OrleansQuery"));
        Assert.Equal(1, await postgres.CountAsync( // the expiry index's table and its due-time index, once
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'sessiongrains_expiry' AND indexname = 'sessiongrains_expiry_by_due_time'"));

        var store = new PostgresSessionStore(postgres);
        await using var cluster = await DurableSessionCluster.StartAsync(store, new SessionTestSilo(), "it-schema-" + Guid.NewGuid().ToString("N")[..8]);
        var id = SessionTestSilo.NewSessionId();
        await cluster.Session(id).CreateAsync(new SessionTimeouts(TimeSpan.FromMinutes(20)),
            new SessionChangeSet { Sets = new() { ["user"] = Encoding.UTF8.GetBytes("ada") } });
        await cluster.Cluster.DeactivateAsync(cluster.Session(id));
        Assert.Equal("ada", Encoding.UTF8.GetString((await cluster.Session(id).LoadAsync())!.Data["user"]));
        Assert.Equal(1, await store.CountIndexEntriesAsync(cluster.Settings, id));
        await cluster.Session(id).DestroyAsync();
        Assert.Equal(0, await cluster.CountRecordsAsync(id));
        Assert.Equal(0, await store.CountIndexEntriesAsync(cluster.Settings, id));
    }

    [Fact]
    public async Task A_grain_state_write_with_a_stale_version_matches_no_row()
    {
        var service = "it-stale-" + Guid.NewGuid().ToString("N")[..8];
        Task<int?> Write(int? version, string payload) => StorageAsync("WriteToStorageKey", service, version, payload);

        Assert.Equal(1, await Write(null, "first"));
        Assert.Null(await Write(null, "a second writer that never read")); // the row exists
        Assert.Equal(2, await Write(1, "second"));
        Assert.Null(await Write(1, "stale")); // version 2 is stored
        Assert.Null(await StorageAsync("DeleteStorageKey", service, 1, null));
        Assert.Equal(3, await StorageAsync("DeleteStorageKey", service, 2, null)); // deleted version + 1
        Assert.Equal(0, await postgres.CountAsync("SELECT count(*) FROM sessiongrains_storage WHERE service_id = @s", ("s", service)));
    }

    [Fact]
    public async Task A_membership_change_with_a_stale_table_version_changes_nothing()
    {
        var cluster = "it-members-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(1, await MembershipAsync("InsertMembershipVersionKey", cluster, version: null, port: 0));
        Assert.Equal(0, await MembershipAsync("InsertMembershipVersionKey", cluster, version: null, port: 0));
        Assert.Equal(1, await MembershipAsync("InsertMembershipKey", cluster, version: 0, port: 11111));
        Assert.Equal(0, await MembershipAsync("InsertMembershipKey", cluster, version: 0, port: 11112)); // the table is at version 1
        Assert.Equal(0, await MembershipAsync("UpdateMembershipKey", cluster, version: 0, port: 11111));
        Assert.Equal(1, await MembershipAsync("UpdateMembershipKey", cluster, version: 1, port: 11111));
        Assert.Equal(1, await postgres.CountAsync("SELECT count(*) FROM sessiongrains_membership WHERE deployment_id = @c", ("c", cluster)));
        Assert.Equal(2, await postgres.CountAsync("SELECT version FROM sessiongrains_membership_version WHERE deployment_id = @c", ("c", cluster)));
    }

    [Fact]
    public async Task The_silo_host_setup_database_command_applies_the_schema_and_exits_0_or_names_the_failure_and_exits_1()
    {
        var database = "setup_" + Guid.NewGuid().ToString("N")[..8];
        await PostgresServer.CreateDatabaseAsync(postgres.Port, database);
        var connectionString = PostgresServer.ConnectionString(postgres.Port, database);

        var (applied, output) = await RunSetupDatabaseAsync(connectionString);
        Assert.True(applied == 0, output);
        var (again, _) = await RunSetupDatabaseAsync(connectionString);
        Assert.Equal(0, again);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM OrleansQuery", connection);
            Assert.Equal(QueryCount, Convert.ToInt32(await count.ExecuteScalarAsync()));
        }

        var (failed, message) = await RunSetupDatabaseAsync($"Host=127.0.0.1;Port={LoopbackPorts.Free()};Username=postgres;Timeout=2");
        Assert.Equal(1, failed);
        Assert.Contains("setup-database:", message);
    }

    private async Task<int?> StorageAsync(string key, string service, int? version, string? payload)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(await QueryTextAsync(connection, key), connection);
        Add(command, "GrainIdHash", DbType.Int32, 17);
        Add(command, "GrainIdN0", DbType.Int64, 0L);
        Add(command, "GrainIdN1", DbType.Int64, 0L);
        Add(command, "GrainTypeHash", DbType.Int32, 42);
        Add(command, "GrainTypeString", DbType.String, "sessiongrains.session");
        Add(command, "GrainIdExtensionString", DbType.String, "stale-test");
        Add(command, "ServiceId", DbType.String, service);
        Add(command, "GrainStateVersion", DbType.Int32, version);
        if (payload is not null)
        {
            Add(command, "PayloadBinary", DbType.Binary, Encoding.UTF8.GetBytes(payload));
        }

        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? reader.GetInt32(0) : null;
    }

    private async Task<int> MembershipAsync(string key, string cluster, int? version, int port)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(await QueryTextAsync(connection, key), connection);
        Add(command, "DeploymentId", DbType.String, cluster);
        if (version is { } v)
        {
            var now = DateTime.UtcNow;
            Add(command, "Address", DbType.AnsiString, "127.0.0.1");
            Add(command, "Port", DbType.Int32, port);
            Add(command, "Generation", DbType.Int32, 1);
            Add(command, "SiloName", DbType.String, "silo");
            Add(command, "HostName", DbType.String, "host");
            Add(command, "Status", DbType.Int32, 3);
            Add(command, "ProxyPort", DbType.Int32, 30000);
            Add(command, "SuspectTimes", DbType.String, null);
            Add(command, "StartTime", DbType.DateTime, now);
            Add(command, "IAmAliveTime", DbType.DateTime, now);
            Add(command, "Version", DbType.Int32, v);
        }

        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    private static async Task<string> QueryTextAsync(NpgsqlConnection connection, string key)
    {
        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        command.Parameters.AddWithValue("key", key);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    // As Orleans' ADO.NET providers add them: a DbType, and DBNull for null.
    private static void Add(NpgsqlCommand command, string name, DbType type, object? value)
        => command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    /// <summary>Runs the built silo host (src/SessionGrains.Silo, same configuration as these tests) with setup-database.</summary>
    private static async Task<(int ExitCode, string Output)> RunSetupDatabaseAsync(string connectionString)
    {
        var build = Path.GetRelativePath(Path.Combine(AzuriteServer.RepositoryRoot(), "tests", "SessionGrains.IntegrationTests"), AppContext.BaseDirectory);
        var silo = Path.Combine(AzuriteServer.RepositoryRoot(), "src", "SessionGrains.Silo", build, "SessionGrains.Silo.dll");
        Assert.True(File.Exists(silo), $"{silo} is not built (dotnet build SessionGrains.sln)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(silo);
        start.ArgumentList.Add("setup-database");
        start.Environment["Cluster__AdoNetConnectionString"] = connectionString;
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
