namespace SessionGrains.AspNetCore;

// One request's session data, compared with what the request loaded (is it modified?) and with what was last saved (what
// to send the grain). Values are copied in and out: stored arrays may be shared with the grain and other requests.
internal sealed class SessionChangeTracker
{
    private static readonly Dictionary<string, byte[]> NoData = new(StringComparer.Ordinal); // never mutated

    private Dictionary<string, byte[]>? _changed; // the data once written to; null while it equals the saved state
    private Dictionary<string, byte[]> _loaded = NoData; // as loaded; never mutated
    private Dictionary<string, byte[]> _saved = NoData;  // as last saved or loaded; never mutated
    private bool _incremented;

    public IEnumerable<string> Keys => Current.Keys;

    public bool HasUnsavedChanges => _changed is not null && !SameData(_changed, _saved);

    /// <summary>The data differs from what the request loaded (express-session's hash comparison), or was incremented.</summary>
    public bool IsModified => _incremented || !SameData(Current, _loaded);

    private Dictionary<string, byte[]> Current => _changed ?? _saved;

    // Copy on first write: a request that only reads never copies the loaded data.
    private Dictionary<string, byte[]> Writable => _changed ??= new(_saved, StringComparer.Ordinal);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value)
    {
        if (Current.TryGetValue(key, out var stored))
        {
            value = stored.Length == 0 ? stored : stored.ToArray();
            return true;
        }

        value = null;
        return false;
    }

    public void Set(string key, byte[] value) => Writable[key] = value.ToArray();

    public void Remove(string key)
    {
        if (Current.ContainsKey(key))
        {
            Writable.Remove(key);
        }
    }

    public void Clear()
    {
        if (Current.Count > 0)
        {
            _changed = new(StringComparer.Ordinal);
        }
    }

    /// <summary>Takes a loaded snapshot's data as loaded, saved and current (an earlier increment still counts as a change).</summary>
    public void AcceptLoaded(Dictionary<string, byte[]> data)
    {
        _loaded = _saved = data;
        _changed = null;
    }

    public void Reset()
    {
        _changed = null;
        _loaded = _saved = NoData;
        _incremented = false;
    }

    public void AcceptSaved()
    {
        if (_changed is not null)
        {
            (_saved, _changed) = (_changed, null); // the next write copies again, so the saved state is never mutated
        }
    }

    public void AcceptIncrement(string key, byte[] value)
    {
        _changed?[key] = value;
        _saved = new(_saved, StringComparer.Ordinal) { [key] = value };
        _incremented = true;
    }

    public void DiscardUnsaved() => _changed = null;

    public SessionChangeSet All() => new() { Sets = new(Current, StringComparer.Ordinal) };

    public SessionChangeSet Changes()
    {
        var changes = new SessionChangeSet();
        if (_changed is null)
        {
            return changes;
        }

        foreach (var (key, _) in _saved)
        {
            if (!_changed.ContainsKey(key))
            {
                (changes.Removals ??= []).Add(key);
            }
        }

        foreach (var (key, value) in _changed)
        {
            if (!_saved.TryGetValue(key, out var saved) || !SameBytes(saved, value))
            {
                (changes.Sets ??= new(StringComparer.Ordinal))[key] = value;
            }
        }

        return changes;
    }

    private static bool SameData(Dictionary<string, byte[]> a, Dictionary<string, byte[]> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !SameBytes(value, other))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameBytes(byte[] a, byte[] b) => ReferenceEquals(a, b) || a.AsSpan().SequenceEqual(b);
}
