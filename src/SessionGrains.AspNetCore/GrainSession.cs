using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The session of one request: <see cref="ISession"/> for existing code, plus express-session's richer API. It sends
/// the grain only the keys whose values differ from the last saved state, and counts as modified only when its data
/// differs from what the request loaded (express-session's hash comparison): a change undone within the request is none.
/// </summary>
public sealed partial class GrainSession : ISession
{
    private static readonly JsonSerializerOptions JsonOptions = JsonSerializerOptions.Web;

    private readonly HttpContext _context;
    private readonly GrainSessionOptions _options;
    private readonly GrainSessionStore _store;
    private readonly SessionCookieWriter _cookieWriter;
    private readonly SessionSettings _settings;
    private readonly IReadOnlyList<PresentedSessionId> _presented;

    private static readonly Dictionary<string, byte[]> Empty = new(StringComparer.Ordinal);

    private Dictionary<string, byte[]> _data = new(StringComparer.Ordinal);
    private Dictionary<string, byte[]> _loadedData = Empty; // as loaded; never mutated
    private Dictionary<string, byte[]> _savedData = Empty;  // as last saved or loaded; never mutated
    private bool _incremented;
    private bool _loaded;
    private string? _id;                  // null until a new session needs one
    private string? _loadedId;            // the presented ID whose session was loaded
    private bool _stored;                 // a live record exists under _id
    private bool _savedExplicitly;
    private bool _touchRequested;
    private bool _endedPresentedSession;  // destroy or regenerate ended the session the request presented
    private bool _resign;                 // the loaded ID was signed with an older secret
    private bool _committed;

    internal GrainSession(
        HttpContext context,
        GrainSessionOptions options,
        GrainSessionStore store,
        SessionCookieWriter cookieWriter,
        TimeProvider clock,
        IReadOnlyList<PresentedSessionId> presented)
    {
        _context = context;
        _options = options;
        _store = store;
        _cookieWriter = cookieWriter;
        _presented = presented;
        _settings = new SessionSettings(options.IdleTimeout, options.AbsoluteTimeout);
        Cookie = new SessionCookie(options.Cookie, clock);
    }

    /// <summary>The request this session belongs to.</summary>
    internal HttpContext HttpContext => _context;

    /// <summary>The session ID. Reading it on a new session assigns one (a fresh random ID, never one the client sent).</summary>
    public string Id
    {
        get
        {
            EnsureLoaded();
            return _id ??= NewId();
        }
    }

    /// <summary>True when this session was not presented by the request (new, destroyed or regenerated during it).</summary>
    public bool IsNew
    {
        get
        {
            EnsureLoaded();
            return _id is null || _id != _loadedId;
        }
    }

    /// <summary>This request's session cookie; changes apply to this response.</summary>
    public SessionCookie Cookie { get; }

    /// <summary>The stored version last seen: 0 for an unsaved session.</summary>
    public long Version { get; private set; }

    /// <inheritdoc />
    public bool IsAvailable
    {
        get
        {
            try
            {
                EnsureLoaded();
                return true;
            }
            catch (SessionUnavailableException)
            {
                return false;
            }
        }
    }

    /// <inheritdoc />
    public IEnumerable<string> Keys
    {
        get
        {
            EnsureLoaded();
            return _data.Keys;
        }
    }

    private bool HasUnsavedChanges => !SameData(_data, _savedData);

    private bool IsModified => _incremented || !SameData(_data, _loadedData);

    /// <inheritdoc />
    public Task LoadAsync(CancellationToken cancellationToken = default) => EnsureLoadedAsync();

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken = default) => SaveAsync();

    /// <inheritdoc />
    /// <remarks>The value is a copy: stored arrays may be shared with the grain and other requests, and are never exposed.</remarks>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value)
    {
        EnsureLoaded();
        if (_data.TryGetValue(key, out var stored))
        {
            value = stored.Length == 0 ? stored : stored.ToArray();
            return true;
        }

        value = null;
        return false;
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureLoaded();
        _data[key] = value.ToArray();
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        EnsureLoaded();
        _data.Remove(key);
    }

    /// <inheritdoc />
    public void Clear()
    {
        EnsureLoaded();
        _data.Clear();
    }

    /// <summary>Reads <paramref name="key"/> as JSON (System.Text.Json, web defaults); default when absent.</summary>
    public T? Get<T>(string key) => TryGetValue(key, out var bytes) ? JsonSerializer.Deserialize<T>(bytes, JsonOptions) : default;

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> as JSON (System.Text.Json, web defaults).</summary>
    public void Set<T>(string key, T value) => Set(key, JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions));

    /// <summary>Restarts the cookie's expiry from now and slides the stored session's idle expiry.</summary>
    public void Touch()
    {
        Cookie.Touch();
        _touchRequested = true;
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to the integer under <paramref name="key"/> atomically in the grain, so concurrent
    /// requests lose no update; saves the session first if it is new or has unsaved changes. Returns the new value.
    /// </summary>
    public async Task<long> IncrementAsync(string key, long delta = 1)
    {
        await EnsureLoadedAsync();
        if (!_stored || HasUnsavedChanges)
        {
            await FlushAsync();
        }

        var result = _stored ? await _store.IncrementAsync(_id!, key, delta) : null;
        if (result is not { Succeeded: true })
        {
            EndedDuringRequest();
            throw new InvalidOperationException("The session ended during the request; nothing was incremented.");
        }

        var value = SessionValueFormat.FormatInt64(result.Value);
        _data[key] = value;
        _savedData = new(_savedData, StringComparer.Ordinal) { [key] = value };
        _incremented = true;
        Version = result.Version;
        return result.Value;
    }

    /// <summary>Saves the session now; the end of the request then saves again only if it changes further.</summary>
    public async Task SaveAsync()
    {
        await EnsureLoadedAsync();
        await FlushAsync();
        _savedExplicitly = true;
    }

    /// <summary>Discards unsaved changes and reads the session again (sees writes of concurrent requests).</summary>
    public async Task ReloadAsync()
    {
        await EnsureLoadedAsync();
        if (!_stored)
        {
            _data = new(_savedData, StringComparer.Ordinal);
            return;
        }

        if (await _store.LoadAsync(_id!) is { } snapshot)
        {
            Loaded(snapshot);
        }
        else
        {
            EndedDuringRequest();
        }
    }

    /// <summary>Deletes the stored session now; the response clears the browser's cookie unless a new session is saved.</summary>
    public async Task DestroyAsync()
    {
        await EnsureLoadedAsync();
        if (_stored)
        {
            await _store.DestroyAsync(_id!);
        }

        StartOver(endedPresented: _loadedId is not null, id: null);
    }

    /// <summary>
    /// Gives the session a new ID (do it at login against session fixation). Without <paramref name="keepData"/>, the
    /// old session is destroyed and an empty one begins (express-session's regenerate). With it, the grain moves the data
    /// (and unsaved changes) to the new ID and destroys the old one in one step, so the two are never both live.
    /// </summary>
    public async Task RegenerateAsync(bool keepData = false)
    {
        await EnsureLoadedAsync();
        var newId = NewId();
        if (!keepData)
        {
            if (_stored)
            {
                await _store.DestroyAsync(_id!);
            }

            StartOver(endedPresented: _loadedId is not null, id: newId);
            return;
        }

        if (_stored)
        {
            var result = await _store.RegenerateAsync(_id!, newId, _settings, HasUnsavedChanges ? BuildChangeSet() : null);
            if (result.Status != SessionWriteStatus.Succeeded)
            {
                EndedDuringRequest(); // the old session ended meanwhile (or the new ID was taken): start clean
                _id = newId;
                return;
            }

            Version = result.Version;
            _savedData = new(_data, StringComparer.Ordinal);
        }

        _id = newId;
    }

    /// <summary>Loads ahead of the app; a failure is logged and left for the first use of the session to report.</summary>
    internal async Task TryPreloadAsync()
    {
        try
        {
            await EnsureLoadedAsync();
        }
        catch (SessionUnavailableException)
        {
        }
    }

    private void EnsureLoaded()
    {
        if (!_loaded)
        {
            // ISession's synchronous members load on first use, as ASP.NET Core's session does; await LoadAsync() to avoid blocking.
            EnsureLoadedAsync().GetAwaiter().GetResult();
        }
    }

    private async Task EnsureLoadedAsync()
    {
        if (_loaded)
        {
            return;
        }

        // Several presented IDs (duplicate cookies, header and cookie): the first that names a live session wins.
        foreach (var presented in _presented)
        {
            if (await _store.LoadAsync(presented.Id) is { } snapshot)
            {
                _id = _loadedId = presented.Id;
                _stored = true;
                Loaded(snapshot);
                _resign = presented.SecretIndex > 0;
                break;
            }
        }

        _loaded = true;
    }

    private void Loaded(SessionSnapshot snapshot)
    {
        _loadedData = _savedData = snapshot.Data;
        _data = new(snapshot.Data, StringComparer.Ordinal);
        Version = snapshot.Version;
    }

    /// <summary>The delta from the last saved state: removed keys and keys whose value differs.</summary>
    private SessionChangeSet BuildChangeSet()
    {
        var changes = new SessionChangeSet();
        foreach (var key in _savedData.Keys)
        {
            if (!_data.ContainsKey(key))
            {
                (changes.Removals ??= []).Add(key);
            }
        }

        foreach (var (key, value) in _data)
        {
            if (!_savedData.TryGetValue(key, out var saved) || !SameBytes(saved, value))
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

    private void StartOver(bool endedPresented, string? id)
    {
        _endedPresentedSession |= endedPresented;
        _id = id;
        _stored = false;
        _data = new(StringComparer.Ordinal);
        _loadedData = _savedData = Empty;
        _incremented = false;
        Version = 0;
    }

    /// <summary>The stored session ended (destroyed elsewhere or expired) mid-request: this request's changes are dropped.</summary>
    private void EndedDuringRequest()
    {
        _store.LogSessionEnded();
        StartOver(endedPresented: _loadedId is not null, id: null);
    }

    private string NewId() => _options.IdGenerator?.Invoke(_context) ?? SessionIdGenerator.NewId();
}
