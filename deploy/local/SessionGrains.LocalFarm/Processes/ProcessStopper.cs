namespace SessionGrains.LocalFarm;

/// <summary>
/// Stops recorded processes: a signal to each, a wait of up to the stop timeout (5 s after SIGKILL), then SIGKILL for
/// what is left. Only the recorded processes are signalled, and the workers a killed nginx master leaves behind.
/// </summary>
internal sealed class ProcessStopper(ProcessRegistry registry, FarmLog log)
{
    public async Task StopAsync(int signal, TimeSpan stopTimeout, params string[] names)
    {
        var pending = new Dictionary<string, ProcessRecord>();
        var orphans = new List<ProcessRecord>();
        foreach (var name in names)
        {
            if (registry.Live(name) is not { } process)
            {
                registry.Forget(name);
                continue;
            }

            pending[name] = process;
            if (name == "nginx")
            {
                orphans.AddRange(process.Children());
            }

            log.Info($"stopping {name} (pid {process.Pid}, SIG{(signal == ProcessRecord.SigKill ? "KILL" : "TERM")})");
            process.Signal(signal);
        }

        await WaitGoneAsync(pending, signal == ProcessRecord.SigKill ? TimeSpan.FromSeconds(5) : stopTimeout);
        foreach (var (name, process) in pending)
        {
            log.Info($"{name} (pid {process.Pid}) did not stop within {stopTimeout.TotalSeconds:F0}s: SIGKILL");
            process.Signal(ProcessRecord.SigKill);
        }

        foreach (var orphan in orphans)
        {
            orphan.Signal(ProcessRecord.SigKill);
        }

        foreach (var name in names)
        {
            for (var i = 0; i < 20 && registry.Live(name) is not null; i++)
            {
                await Task.Delay(100);
            }

            registry.Forget(name);
        }
    }

    /// <summary>Waits until each process has exited, at most <paramref name="timeout"/>; leaves the rest in <paramref name="pending"/>.</summary>
    private static async Task WaitGoneAsync(Dictionary<string, ProcessRecord> pending, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0)
        {
            foreach (var (name, process) in pending.ToArray())
            {
                if (!process.IsRunning)
                {
                    pending.Remove(name);
                }
            }

            if (pending.Count == 0 || DateTime.UtcNow >= deadline)
            {
                return;
            }

            await Task.Delay(100);
        }
    }
}
