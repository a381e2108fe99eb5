namespace SessionGrains.LocalFarm;

/// <summary>
/// The one place that knows how to install and start Azurite (the npm package pinned in deploy/local): for the farm and
/// for the integration tests' own Azurite.
/// </summary>
internal sealed class Azurite(string deployLocal)
{
    // Azurite's well-known development account (public, documented by Microsoft); explicit endpoints so the ports can move.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string Executable => Path.Combine(deployLocal, "node_modules", ".bin", "azurite");

    public static string ConnectionString(AzuritePorts ports)
        => $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports.Blob}/{AccountName};QueueEndpoint=http://127.0.0.1:{ports.Queue}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{ports.Table}/{AccountName};";

    /// <summary><c>npm ci</c> in deploy/local unless Azurite is there; one installer at a time, the loser finds it done.</summary>
    public async Task EnsureInstalledAsync(string installLog, Action<string> info, CancellationToken cancellation = default)
    {
        if (File.Exists(Executable))
        {
            return;
        }

        using var installing = await FileLock.TakeAsync(Path.Combine(deployLocal, ".install.lock"), TimeSpan.FromMinutes(10), cancellation)
            ?? throw new FarmException($"another installer holds {deployLocal}/.install.lock");
        if (File.Exists(Executable))
        {
            return;
        }

        info($"installing Azurite (npm ci in {deployLocal}; output in {installLog})");
        var exit = await ExternalCommand.RunAsync(installLog, deployLocal, ["npm", "ci", "--no-audit", "--no-fund"],
            TimeSpan.FromMinutes(10), cancellation: cancellation);
        if (exit != 0 || !File.Exists(Executable))
        {
            throw new FarmException($"npm ci failed (exit {exit}): {FarmLog.TailOf(installLog)}");
        }
    }

    /// <summary>Starts Azurite detached, its data in <paramref name="dataFolder"/>, its output in <paramref name="logFile"/>.</summary>
    public ProcessRecord Start(string dataFolder, AzuritePorts ports, string logFile)
    {
        if (!File.Exists(Executable))
        {
            throw new FarmException($"{Executable} is missing: install it first");
        }

        Directory.CreateDirectory(dataFolder);
        return DetachedProcess.Start(logFile, dataFolder,
        [
            Executable, "--silent", "--location", dataFolder,
            "--blobHost", "127.0.0.1", "--blobPort", $"{ports.Blob}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{ports.Queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{ports.Table}",
            "--skipApiVersionCheck", "--loose",
            "--disableTelemetry", // telemetry: outbound calls, and it delays exit on SIGTERM
        ], new Dictionary<string, string>());
    }

    /// <summary>Ready when the blob and table services answer HTTP (any status).</summary>
    public static async Task<bool> IsReadyAsync(HealthProbe probe, AzuritePorts ports, CancellationToken cancellation = default)
        => (await probe.GetAsync(new Uri($"http://127.0.0.1:{ports.Blob}/"), cancellation)).Code != 0 &&
            (await probe.GetAsync(new Uri($"http://127.0.0.1:{ports.Table}/"), cancellation)).Code != 0;
}
