using System.Diagnostics;

namespace SessionGrains.LocalFarm;

/// <summary>
/// kill-silo/stop-silo/restart-silo N... and the same for front ends (web), on a running farm. Several members are
/// acted on together: a restart starts them all at once and waits for all their health at once.
/// </summary>
internal sealed class MemberCommands(Farm farm)
{
    /// <summary>SIGKILL, and wait (at most 5 s) until they are gone.</summary>
    public async Task<int> KillAsync(IReadOnlyList<FarmMember> members)
    {
        var processes = members.Select(m => farm.Registry.Live(m.Name) ?? throw new FarmException($"{m.Name} is not running")).ToArray();
        await farm.Stopper.StopAsync(ProcessRecord.SigKill, TimeSpan.FromSeconds(5), Names(members));
        farm.Log.Info(string.Join(", ", members.Select((m, i) => $"{m.Name} (pid {processes[i].Pid})")) + " killed");
        return 0;
    }

    /// <summary>SIGTERM (graceful), SIGKILL after the stop timeout.</summary>
    public async Task<int> StopAsync(IReadOnlyList<FarmMember> members)
    {
        var running = members.Where(m => farm.Registry.Live(m.Name) is not null).ToArray();
        foreach (var member in members.Except(running))
        {
            farm.Log.Info($"{member.Name} is not running");
        }

        if (running.Length > 0)
        {
            await farm.Stopper.StopAsync(ProcessRecord.SigTerm, farm.StopTimeout, Names(running));
            farm.Log.Info($"{string.Join(", ", Names(running))} stopped");
        }

        return 0;
    }

    /// <summary>
    /// Graceful stop of those running, start all with the same ports once they are free, wait until all are healthy.
    /// Silos that all crashed must start together: each one that joins waits for every other dead silo's row to be
    /// declared dead, which a silo restarting on the same endpoint does for its own at start-up.
    /// </summary>
    public async Task<int> RestartAsync(IReadOnlyList<FarmMember> members, CancellationToken cancellation)
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

        var running = members.Where(m => farm.Registry.Live(m.Name) is not null).ToArray();
        if (running.Length > 0)
        {
            await farm.Stopper.StopAsync(ProcessRecord.SigTerm, farm.StopTimeout, Names(running));
        }

        foreach (var (member, port) in members.SelectMany(m => m.Ports.Select(p => (m, p))))
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

        foreach (var member in members)
        {
            farm.StartApp(member);
        }

        if (!await farm.Health.WaitAsync(farm.Timeout, cancellation, [.. members]))
        {
            throw new FarmException($"{string.Join(", ", Names(members))} did not all become healthy (logs: {string.Join(", ", members.Select(m => farm.Log.FileOf(m.Name)))})");
        }

        farm.Log.Info($"{string.Join(", ", Names(members))} healthy in {clock.Elapsed.TotalSeconds:F0}s");
        return 0;
    }

    private static string[] Names(IEnumerable<FarmMember> members) => members.Select(m => m.Name).ToArray();
}
