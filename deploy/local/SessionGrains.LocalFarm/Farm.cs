namespace SessionGrains.LocalFarm;

/// <summary>One farm (a state folder and its settings) and the parts that act on it; what every command works with.</summary>
internal sealed class Farm : IDisposable
{
    public Farm(FarmPaths paths, FarmSettings settings, Func<string, string?> environment, TextWriter errors)
    {
        Paths = paths;
        Settings = settings;
        Environment = environment;
        Log = new FarmLog(errors, paths);
        Registry = new ProcessRegistry(paths);
        Stopper = new ProcessStopper(Registry, Log);
        Health = new HealthWaiter(Registry, Probe, Log);
    }

    public FarmPaths Paths { get; }
    public FarmSettings Settings { get; }
    public Func<string, string?> Environment { get; }
    public FarmLog Log { get; }
    public ProcessRegistry Registry { get; }
    public ProcessStopper Stopper { get; }
    public HealthProbe Probe { get; } = new();
    public HealthWaiter Health { get; }

    public IReadOnlyList<FarmMember> Members => FarmMember.All(Settings);

    public TimeSpan Timeout => TimeSpan.FromSeconds(Settings.Timeout);

    public TimeSpan StopTimeout => TimeSpan.FromSeconds(Settings.StopTimeout);

    /// <summary>The members whose recorded process still runs.</summary>
    public IReadOnlyList<FarmMember> Running() => Members.Where(m => Registry.Live(m.Name) is not null).ToArray();

    /// <summary>Starts a silo or front end (ASP.NET or express) and records it.</summary>
    public void StartApp(FarmMember member)
    {
        var process = new ClusterApps(Paths, Settings, Environment).Start(member);
        Registry.Record(member.Name, process);
        Log.Info($"started {member.Name} (pid {process.Pid}) ports {string.Join(' ', member.Ports)}");
    }

    /// <summary>Front door first, storage last: silos persist sessions to the storage server while they shut down.</summary>
    public async Task StopAllAsync(TimeSpan stopTimeout)
    {
        string[] Names(MemberKind kind) => Members.Where(m => m.Kind == kind).Select(m => m.Name).ToArray();
        foreach (var kind in new[] { MemberKind.Nginx, MemberKind.Express, MemberKind.Web, MemberKind.Silo, MemberKind.Storage })
        {
            await Stopper.StopAsync(ProcessRecord.SigTerm, stopTimeout, Names(kind));
        }
    }

    /// <summary>The exclusive lock of the state folder that every changing command holds.</summary>
    public async Task<FileLock> LockAsync(CancellationToken cancellation)
        => await FileLock.TakeAsync(Paths.Lock, TimeSpan.FromSeconds(60), cancellation)
            ?? throw new FarmException($"another farm command holds {Paths.Lock}");

    public void Dispose() => Probe.Dispose();
}
