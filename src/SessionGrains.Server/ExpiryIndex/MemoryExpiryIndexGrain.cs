namespace SessionGrains.Server;

/// <summary>One in-memory shard of the expiry index; never collected, which would lose its entries.</summary>
[GrainType(SessionGrainNames.MemoryExpiryIndexGrainType)]
internal sealed class MemoryExpiryIndexGrain : Grain, IMemoryExpiryIndexGrain
{
    private readonly SortedSet<(DateTimeOffset DueAt, string Key)> _byDueTime = new();
    private readonly Dictionary<string, DateTimeOffset> _dueTimes = new(StringComparer.Ordinal);
    private SessionExpiryEntryKind _kind;
    private int _shard;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        _kind = Enum.Parse<SessionExpiryEntryKind>(key[..slash]);
        _shard = int.Parse(key[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        DelayDeactivation(TimeSpan.MaxValue);
        return Task.CompletedTask;
    }

    public Task SetAsync(string key, DateTimeOffset dueAt)
    {
        if (_dueTimes.TryGetValue(key, out var previous))
        {
            _byDueTime.Remove((previous, key));
        }

        _dueTimes[key] = dueAt;
        _byDueTime.Add((dueAt, key));
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string key)
    {
        if (_dueTimes.Remove(key, out var dueAt))
        {
            _byDueTime.Remove((dueAt, key));
        }

        return Task.CompletedTask;
    }

    public Task<SessionExpiryEntry[]> ReadDueAsync(DateTimeOffset dueBy, int limit)
        => Task.FromResult(_byDueTime.TakeWhile(e => e.DueAt <= dueBy).Take(limit)
            .Select(e => new SessionExpiryEntry(_kind, _shard, e.Key, e.DueAt)).ToArray());
}
