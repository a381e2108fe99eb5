using SessionGrains.LocalFarm;
using SessionGrains.Tests.Shared;
using StackExchange.Redis;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// A real redis-server (Debian's, which .ci/run installs) on a free loopback port, with the append-only file on, as a
/// durable session store runs it; its files in a temporary folder.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "sessiongrains-redis-" + Guid.NewGuid().ToString("N"));
    private ProcessRecord? _process;
    private ConnectionMultiplexer? _connection;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The tests' own connection, to look at what the silos stored.</summary>
    public ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var port = LoopbackPorts.Free();
        var log = Path.Combine(_dataFolder, "redis.log");
        var process = RedisServer.Start(_dataFolder, port, log, appendOnly: true);
        _process = process;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await RedisServer.IsReadyAsync(port))
        {
            if (!process.IsRunning || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not start: {FarmLog.TailOf(log)}");
            }

            await Task.Delay(100);
        }

        ConnectionString = RedisServer.ConnectionString(port);
        _connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        _connection?.Dispose();
        await ServerProcessCleanup.KillAndDeleteAsync(_process, _dataFolder);
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
