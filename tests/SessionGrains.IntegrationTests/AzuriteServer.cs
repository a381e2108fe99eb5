using System.Net;
using SessionGrains.LocalFarm;

using SessionGrains.Tests.Shared;
namespace SessionGrains.IntegrationTests;

/// <summary>
/// A real Azurite (the npm package pinned in deploy/local) on free loopback ports, with its data in a temporary folder.
/// Installed with <c>npm ci</c> on first use; installed and started by the local farm's <see cref="Azurite"/>.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "sessiongrains-azurite-" + Guid.NewGuid().ToString("N"));
    private ProcessRecord? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var azurite = new Azurite(Path.Combine(RepositoryRoot(), "deploy", "local"));
        Directory.CreateDirectory(_dataFolder);
        await azurite.EnsureInstalledAsync(Path.Combine(_dataFolder, "install.log"), _ => { });
        var ports = new AzuritePorts(LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        var log = Path.Combine(_dataFolder, "azurite.log");
        var process = azurite.Start(_dataFolder, ports, log);
        _process = process;
        ConnectionString = Azurite.ConnectionString(ports);

        using var probe = new HealthProbe();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await Azurite.IsReadyAsync(probe, ports))
        {
            if (!process.IsRunning || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start: {FarmLog.TailOf(log)}");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await ServerProcessCleanup.KillAndDeleteAsync(_process, _dataFolder);
    }

    internal static string RepositoryRoot() => FarmPaths.FindRepositoryRoot(AppContext.BaseDirectory);
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "azurite";
}
