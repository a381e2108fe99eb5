using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// A real Azurite (the npm package pinned in deploy/local) on free loopback ports, with its data in a temporary folder.
/// Installed with <c>npm ci</c> on first use.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "sessiongrains-azurite-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var localDeploy = Path.Combine(RepositoryRoot(), "deploy", "local");
        var azurite = Path.Combine(localDeploy, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            // One installer at a time: deploy/local/farm.sh takes the same lock, and the loser finds the install done.
            await RunAsync("flock", ".install.lock sh -c \"test -x node_modules/.bin/azurite || npm ci --no-audit --no-fund\"",
                localDeploy, TimeSpan.FromMinutes(5));
        }

        int blobPort = FreePort(), queuePort = FreePort(), tablePort = FreePort();
        Directory.CreateDirectory(_dataFolder);
        _process = Process.Start(new ProcessStartInfo(azurite,
            $"--silent --location \"{_dataFolder}\" --blobHost 127.0.0.1 --blobPort {blobPort} --queueHost 127.0.0.1 " +
            $"--queuePort {queuePort} --tableHost 127.0.0.1 --tablePort {tablePort} --skipApiVersionCheck --loose")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
            $";BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1" +
            $";TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await IsListeningAsync(blobPort) && await IsListeningAsync(tablePort)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start: {await _process.StandardError.ReadToEndAsync()}");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SessionGrains.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("SessionGrains.sln not found above the test output folder.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, string arguments, string folder, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var cancel = new CancellationTokenSource(timeout);
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed: {await errors}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "azurite";
}
