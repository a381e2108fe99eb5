using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionGrains.Server;

/// <summary>The sessions active in this silo, for co-hosted front ends to load without a grain call (<see cref="SessionSiloOptions.LocalReads"/>).</summary>
internal sealed class LocalSessionDirectory(
    IOptions<SessionSiloOptions> options,
    [FromKeyedServices(SessionGrainServiceKeys.TimeProvider)] TimeProvider clock) : ILocalSessionReader
{
    private readonly ConcurrentDictionary<string, LocalSessionEntry> _entries = new(StringComparer.Ordinal);
    private readonly SessionSiloOptions _options = options.Value;

    public bool IsPublished(string sessionId) => _entries.TryGetValue(sessionId, out var entry) && entry.Record is not null;

    internal void Publish(string sessionId, LocalSessionEntry entry, SessionRecord record)
    {
        if (_options.LocalReads && entry.Publish(record))
        {
            _entries[sessionId] = entry;
        }
    }

    internal void Withdraw(string sessionId, LocalSessionEntry entry)
    {
        if (entry.Withdraw())
        {
            _entries.TryRemove(new KeyValuePair<string, LocalSessionEntry>(sessionId, entry));
        }
    }

    public SessionSnapshot? TryLoad(string sessionId)
    {
        if (!_entries.TryGetValue(sessionId, out var entry) || entry.Record is not { } record)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (!record.IsLiveAt(now, entry.LastAccessAt) || record.IsTouchWriteDue(now, _options.TouchWriteInterval))
        {
            return null; // the grain deletes the session, or writes the access
        }

        // Still published after the access is recorded: the grain has not withdrawn it for a final write or deletion. A
        // record published meanwhile is a later version of the same live session.
        entry.RecordAccess(now);
        return entry.Record is { } current ? current.ToSnapshot(entry.LastAccessAt) : null;
    }
}
