using Npgsql;
using SessionGrains.Hosting;
using SessionGrains.LocalFarm;
using SessionGrains.Tests.Shared;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// A real PostgreSQL (Debian's, which .ci/run installs) on a free loopback port, initialized in a temporary folder, with
/// the "sessiongrains" database and SessionGrains' schema applied once, as the silo host's setup-database step does.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sessiongrains-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private ProcessRecord? _process;

    public int Port { get; private set; }

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var log = Path.Combine(_folder, "postgres.log");
        var data = Path.Combine(_folder, "data");
        await PostgresServer.InitializeAsync(data, log);
        Port = LoopbackPorts.Free();
        var process = PostgresServer.Start(data, Port, log);
        _process = process;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await PostgresServer.IsReadyAsync(Port))
        {
            if (!process.IsRunning || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"postgres did not start: {FarmLog.TailOf(log)}");
            }

            await Task.Delay(100);
        }

        await PostgresServer.CreateDatabaseAsync(Port);
        ConnectionString = PostgresServer.ConnectionString(Port);
        await SessionDatabaseSchema.ApplyAsync(ConnectionString);
    }

    /// <summary>The number <paramref name="sql"/> (a count) returns, with <paramref name="parameters"/>.</summary>
    public async Task<int> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_process is { } process)
        {
            process.Signal(ProcessRecord.SigInt);
            for (var i = 0; i < 100 && process.IsRunning; i++)
            {
                await Task.Delay(100);
            }

            process.Signal(ProcessRecord.SigKill);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
