using System.Net.Sockets;

namespace SessionGrains.LocalFarm;

/// <summary>One HTTP GET with a 3 s timeout: the status code (0 when nothing answers) and the body on one line.</summary>
internal sealed class HealthProbe : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, UseCookies = false })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    public async Task<(int Code, string Body)> GetAsync(Uri url, CancellationToken cancellation = default)
    {
        try
        {
            using var response = await _client.GetAsync(url, cancellation);
            var body = await response.Content.ReadAsStringAsync(cancellation);
            return ((int)response.StatusCode, body.ReplaceLineEndings(" ").Trim());
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return (0, "");
        }
    }

    /// <summary>Healthy: 200; for Azurite any HTTP answer; for Redis a PONG, for PostgreSQL an answered query (both reported as 200).</summary>
    public async Task<(bool Healthy, int Code, string Body)> CheckAsync(FarmMember member, CancellationToken cancellation = default)
    {
        if (member.Health.Scheme == "redis")
        {
            var ready = await RedisServer.IsReadyAsync(member.Health.Port, cancellation);
            return (ready, ready ? 200 : 0, ready ? "PONG" : "");
        }

        if (member.Health.Scheme == "postgres")
        {
            var ready = await PostgresServer.IsReadyAsync(member.Health.Port, cancellation);
            return (ready, ready ? 200 : 0, ready ? "SELECT 1" : "");
        }

        var (code, body) = await GetAsync(member.Health, cancellation);
        return (member.Kind == MemberKind.Storage ? code != 0 : code == 200, code, body);
    }

    /// <summary>True when something accepts a TCP connection on 127.0.0.1:<paramref name="port"/> within 2 s.</summary>
    public static async Task<bool> IsPortBusyAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}
