using System.Diagnostics;

namespace SessionGrains.LocalFarm;

/// <summary>kill-silo/stop-silo/restart-silo N and the same for front ends (web), on a running farm.</summary>
internal sealed class MemberCommands(Farm farm)
{
    /// <summary>SIGKILL, and wait (at most 5 s) until it is gone.</summary>
    public async Task<int> KillAsync(FarmMember member)
    {
        var process = farm.Registry.Live(member.Name) ?? throw new FarmException($"{member.Name} is not running");
        await farm.Stopper.StopAsync(ProcessRecord.SigKill, TimeSpan.FromSeconds(5), member.Name);
        farm.Log.Info($"{member.Name} (pid {process.Pid}) killed");
        return 0;
    }

    /// <summary>SIGTERM (graceful), SIGKILL after the stop timeout.</summary>
    public async Task<int> StopAsync(FarmMember member)
    {
        if (farm.Registry.Live(member.Name) is null)
        {
            farm.Log.Info($"{member.Name} is not running");
            return 0;
        }

        await farm.Stopper.StopAsync(ProcessRecord.SigTerm, farm.StopTimeout, member.Name);
        farm.Log.Info($"{member.Name} stopped");
        return 0;
    }

    /// <summary>Graceful stop if running, start with the same ports once they are free, wait until healthy.</summary>
    public async Task<int> RestartAsync(FarmMember member, CancellationToken cancellation)
    {
        if (farm.Settings.ClusterId.Length == 0)
        {
            throw new FarmException($"no farm settings in {farm.Paths.FarmEnv}: run farm.sh up");
        }

        var clock = Stopwatch.StartNew();
        if (farm.Registry.Live(FarmMember.Storage(farm.Settings).Name) is null)
        {
            throw new FarmException($"{FarmMember.Storage(farm.Settings).Name} is not running: run farm.sh down && farm.sh up");
        }

        if (farm.Registry.Live(member.Name) is not null)
        {
            await farm.Stopper.StopAsync(ProcessRecord.SigTerm, farm.StopTimeout, member.Name);
        }

        foreach (var port in member.Ports)
        {
            for (var i = 0; i < 20 && await HealthProbe.IsPortBusyAsync(port); i++)
            {
                await Task.Delay(500, cancellation);
            }

            if (await HealthProbe.IsPortBusyAsync(port))
            {
                throw new FarmException($"port {port} of {member.Name} is still in use");
            }
        }

        farm.StartApp(member);
        if (!await farm.Health.WaitAsync(farm.Timeout, cancellation, member))
        {
            throw new FarmException($"{member.Name} did not become healthy (log: {farm.Log.FileOf(member.Name)})");
        }

        farm.Log.Info($"{member.Name} healthy in {clock.Elapsed.TotalSeconds:F0}s");
        return 0;
    }
}
