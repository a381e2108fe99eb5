using Npgsql;

namespace SessionGrains.LocalFarm;

/// <summary>
/// The one place that knows how to run Debian's PostgreSQL on loopback: a data folder made by initdb (trust
/// authentication, reachable on 127.0.0.1 only, its unix socket inside the data folder), the server started detached, a
/// database created, and whether it answers. For the farm and the integration tests. As root, initdb and postgres run as
/// the postgres user (they refuse root), which then owns the data folder.
/// </summary>
internal static class PostgresServer
{
    /// <summary>The database the farm's and the tests' clusters use.</summary>
    public const string Database = "sessiongrains";

    /// <summary>The superuser initdb creates (trust authentication, loopback only).</summary>
    public const string SuperUser = "postgres";

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>The newest /usr/lib/postgresql/VERSION/bin with initdb and postgres, or null.</summary>
    public static string? FindBinaries()
        => Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "postgres")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;

    /// <summary>Runs initdb into <paramref name="dataFolder"/> unless it already holds a cluster.</summary>
    public static async Task InitializeAsync(string dataFolder, string logFile, CancellationToken cancellation = default)
    {
        var bin = FindBinaries() ?? throw new FarmException("PostgreSQL is not installed (apt-get install postgresql)");
        if (File.Exists(Path.Combine(dataFolder, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(dataFolder);
        if (IsRoot && await ExternalCommand.RunAsync(logFile, "/", ["chown", $"{SuperUser}:{SuperUser}", dataFolder], TimeSpan.FromSeconds(30), cancellation: cancellation) != 0)
        {
            throw new FarmException($"could not give {dataFolder} to the {SuperUser} user: {FarmLog.TailOf(logFile)}");
        }

        string[] initdb = [Path.Combine(bin, "initdb"), "-D", dataFolder, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions"];
        if (await ExternalCommand.RunAsync(logFile, "/", [.. AsServerUser(), .. initdb], TimeSpan.FromMinutes(2), cancellation: cancellation) != 0)
        {
            throw new FarmException($"initdb failed: {FarmLog.TailOf(logFile)}");
        }
    }

    /// <summary>
    /// Starts postgres detached on 127.0.0.1:<paramref name="port"/> over <paramref name="dataFolder"/> (made by
    /// <see cref="InitializeAsync"/>), with fsync on: committed writes survive a crash of the server or the machine.
    /// </summary>
    public static ProcessRecord Start(string dataFolder, int port, string logFile)
        => DetachedProcess.Start(logFile, "/", [.. ServerCommand(dataFolder), "-p", $"{port}"], new Dictionary<string, string>());

    /// <summary>The command line of <see cref="Start"/> but the port (<c>-p</c>), which the caller adds: postgres, as the server user when root.</summary>
    public static string[] ServerCommand(string dataFolder)
    {
        var bin = FindBinaries() ?? throw new FarmException("PostgreSQL is not installed (apt-get install postgresql)");
        return
        [
            .. AsServerUser(), Path.Combine(bin, "postgres"), "-D", dataFolder,
            "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={dataFolder}", "-c", "fsync=on",
            "-c", "max_connections=200",
        ];
    }

    /// <summary>The Npgsql connection string of <paramref name="database"/> on 127.0.0.1:<paramref name="port"/>.</summary>
    public static string ConnectionString(int port, string database = Database)
        => $"Host=127.0.0.1;Port={port};Username={SuperUser};Database={database};Timeout=5";

    /// <summary>Creates <paramref name="database"/> unless it exists.</summary>
    public static async Task CreateDatabaseAsync(int port, string database = Database, CancellationToken cancellation = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(port, "postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellation);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellation) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellation);
        }
    }

    /// <summary>True when 127.0.0.1:<paramref name="port"/> accepts a connection and answers a query within 2 s.</summary>
    public static async Task<bool> IsReadyAsync(int port, CancellationToken cancellation = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString(port, "postgres") + ";Pooling=false");
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or OperationCanceledException or TimeoutException && !cancellation.IsCancellationRequested)
        {
            return false;
        }
    }

    // setpriv execs (no parent process left), so the recorded pid is the server's own.
    private static string[] AsServerUser() => IsRoot ? ["setpriv", $"--reuid={SuperUser}", $"--regid={SuperUser}", "--init-groups", "--"] : [];
}
