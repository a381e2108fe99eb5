using System.Net.Sockets;
using System.Text;

namespace SessionGrains.LocalFarm;

/// <summary>
/// The one place that knows how to start Debian's redis-server on loopback and ask whether it answers: for the farm,
/// the integration tests and the load runs.
/// </summary>
internal static class RedisServer
{
    /// <summary>The redis-server on PATH (or Debian's /usr/bin one), or null.</summary>
    public static string? FindExecutable()
        => Installer.FindOnPath("redis-server") ?? (File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : null);

    /// <summary>
    /// Starts redis-server detached on 127.0.0.1:<paramref name="port"/>, its files in <paramref name="dataFolder"/>. With
    /// <paramref name="appendOnly"/>, every write goes to the append-only file, fsynced each second (how sessions are kept
    /// durable in Redis); without it, nothing is saved.
    /// </summary>
    public static ProcessRecord Start(string dataFolder, int port, string logFile, bool appendOnly)
    {
        Directory.CreateDirectory(dataFolder);
        return DetachedProcess.Start(logFile, dataFolder, [RequireExecutable(), .. Arguments(dataFolder, appendOnly), "--port", $"{port}"],
            new Dictionary<string, string>());
    }

    /// <summary>The redis-server on PATH; throws, saying how to install it, when there is none.</summary>
    public static string RequireExecutable()
        => FindExecutable() ?? throw new FarmException("redis-server is not installed (apt-get install redis-server)");

    /// <summary>redis-server's arguments for <see cref="Start"/> but the port (<c>--port</c>), which the caller adds.</summary>
    public static string[] Arguments(string dataFolder, bool appendOnly) =>
    [
        "--bind", "127.0.0.1", "--dir", dataFolder, "--protected-mode", "yes",
        "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "everysec",
        "--daemonize", "no", "--logfile", "",
    ];

    /// <summary>The StackExchange.Redis configuration string for a server on 127.0.0.1:<paramref name="port"/>.</summary>
    public static string ConnectionString(int port) => $"127.0.0.1:{port},abortConnect=false";

    /// <summary>True when 127.0.0.1:<paramref name="port"/> answers PING with PONG within 2 s.</summary>
    public static async Task<bool> IsReadyAsync(int port, CancellationToken cancellation = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            return false;
        }
    }
}
