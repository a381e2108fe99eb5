using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace SessionGrains.Server;

/// <summary>A write, read and clear of a probe record under a fresh key: nothing is left behind and concurrent checks never meet.</summary>
internal sealed class SessionStorageHealthCheck(IServiceProvider services, IOptions<SessionSiloOptions> options) : IHealthCheck
{
    /// <summary>No grain of this type exists.</summary>
    public const string GrainTypeName = "session-storage-probe";

    public const string StateName = "probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var name = options.Value.StorageName;
        if (services.GetKeyedService<IGrainStorage>(name) is not { } storage)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"no grain storage provider named '{name}'");
        }

        var key = GrainId.Create(GrainTypeName, Guid.NewGuid().ToString("N"));
        var written = new GrainState<SessionStorageProbe>(new SessionStorageProbe { Value = Guid.NewGuid() });
        var read = new GrainState<SessionStorageProbe>();
        bool readBack;
        try
        {
            await storage.WriteStateAsync(StateName, key, written).WaitAsync(cancellationToken);
            await storage.ReadStateAsync(StateName, key, read).WaitAsync(cancellationToken);
            readBack = read.RecordExists && read.State?.Value == written.State!.Value;
            await storage.ClearStateAsync(StateName, key, read).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"grain storage '{name}' failed a write, read and clear", exception);
        }

        return readBack
            ? HealthCheckResult.Healthy($"grain storage '{name}' wrote, read and cleared a record")
            : new HealthCheckResult(context.Registration.FailureStatus, $"grain storage '{name}' read back something else than it wrote");
    }
}
