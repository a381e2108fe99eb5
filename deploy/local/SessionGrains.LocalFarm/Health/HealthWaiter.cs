namespace SessionGrains.LocalFarm;

/// <summary>Waits until farm processes answer their health checks, at most FARM_TIMEOUT seconds; a process that exits fails the wait.</summary>
internal sealed class HealthWaiter(ProcessRegistry registry, HealthProbe probe, FarmLog log)
{
    /// <summary>True when every member became healthy; false (with their log tails written) when one died or the time ran out.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellation, params FarmMember[] members)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pending = members.ToList();
        while (pending.Count > 0)
        {
            foreach (var member in pending.ToArray())
            {
                if (registry.Live(member.Name) is null)
                {
                    log.Info($"{member.Name} is not running. Last lines of its log:");
                    log.Tail(member.Name);
                    return false;
                }

                if ((await probe.CheckAsync(member, cancellation)).Healthy)
                {
                    pending.Remove(member);
                }
            }

            if (pending.Count == 0)
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                foreach (var member in pending)
                {
                    var (_, code, body) = await probe.CheckAsync(member, cancellation);
                    log.Info($"{member.Name} not healthy after {timeout.TotalSeconds:F0}s: {member.Health} -> {code:000} {body[..Math.Min(200, body.Length)]}");
                    log.Tail(member.Name);
                }

                return false;
            }

            await Task.Delay(500, cancellation);
        }

        return true;
    }
}
