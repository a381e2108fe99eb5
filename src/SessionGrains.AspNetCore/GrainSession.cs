using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The session of one request: <see cref="ISession"/> for existing code, plus express-session's richer API. It loads on
/// first use; the grain receives only the keys that changed, when the request ends or the app saves.
/// </summary>
public sealed class GrainSession : ISession
{
    private static readonly JsonSerializerOptions JsonOptions = JsonSerializerOptions.Web;

    private readonly SessionCommitter _committer;
    private readonly UserBindingRules _users;

    internal GrainSession(SessionUnitOfWork work, SessionCookie cookie, SessionCommitter committer, UserBindingRules users)
    {
        Work = work;
        Cookie = cookie;
        _committer = committer;
        _users = users;
    }

    /// <summary>The session ID. Reading it on a new session assigns one (a fresh random ID, never one the client sent).</summary>
    public string Id => EnsureLoaded().AssignId();

    /// <summary>True when this session was not presented by the request (new, destroyed or regenerated during it).</summary>
    public bool IsNew => EnsureLoaded().Id is null || Work.IdChanged;

    /// <summary>This request's session cookie; changes apply to this response.</summary>
    public SessionCookie Cookie { get; }

    /// <summary>The stored version last seen: 0 for an unsaved session.</summary>
    public long Version => Work.Version;

    /// <summary>The user this session is bound to (<see cref="BindUserAsync"/>), with its handle in the user's list; or null.</summary>
    public SessionUserBinding? User => EnsureLoaded().User;

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
    public IEnumerable<string> Keys => EnsureLoaded().Tracker.Keys;

    internal SessionUnitOfWork Work { get; }

    /// <inheritdoc />
    public Task LoadAsync(CancellationToken cancellationToken = default) => EnsureLoadedAsync();

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken = default) => SaveAsync();

    /// <inheritdoc />
    /// <remarks>The value is a copy: stored arrays may be shared with the grain and other requests, and are never exposed.</remarks>
    public bool TryGetValue(string key, [NotNullWhen(true)] out byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return EnsureLoaded().Tracker.TryGetValue(key, out value);
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureLoaded().Tracker.Set(key, value);
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureLoaded().Tracker.Remove(key);
    }

    /// <inheritdoc />
    public void Clear() => EnsureLoaded().Tracker.Clear();

    /// <summary>Reads <paramref name="key"/> as JSON (System.Text.Json, web defaults); default when absent.</summary>
    public T? Get<T>(string key) => TryGetValue(key, out var bytes) ? JsonSerializer.Deserialize<T>(bytes, JsonOptions) : default;

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> as JSON (System.Text.Json, web defaults).</summary>
    public void Set<T>(string key, T value) => Set(key, JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions));

    /// <summary>Restarts the cookie's expiry from now and slides the stored session's idle expiry.</summary>
    public void Touch()
    {
        Cookie.Touch();
        Work.TouchRequested = true;
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to the integer under <paramref name="key"/> atomically in the grain, so concurrent
    /// requests lose no update; saves the session first if it is new or has unsaved changes. Returns the new value.
    /// </summary>
    public async Task<long> IncrementAsync(string key, long delta = 1)
    {
        ArgumentNullException.ThrowIfNull(key);
        await EnsureLoadedAsync();
        return await Work.IncrementAsync(key, delta)
            ?? throw new InvalidOperationException("The session ended during the request; nothing was incremented.");
    }

    /// <summary>Saves the session now; the end of the request then saves again only if it changes further.</summary>
    public async Task SaveAsync()
    {
        await EnsureLoadedAsync();
        await _committer.SaveNowAsync(this);
    }

    /// <summary>Discards unsaved changes and reads the session again (sees writes of concurrent requests).</summary>
    public async Task ReloadAsync()
    {
        await EnsureLoadedAsync();
        await Work.ReloadAsync();
    }

    /// <summary>Deletes the stored session now; the response clears the browser's cookie unless a new session is saved.</summary>
    public async Task DestroyAsync()
    {
        await EnsureLoadedAsync();
        await Work.DestroyAsync(nextId: null);
    }

    /// <summary>
    /// Gives the session a new ID (at login, against session fixation): an empty one, as express-session's regenerate, or
    /// with <paramref name="keepData"/> the data moved to it in one grain step, so old and new are never both live.
    /// </summary>
    public async Task RegenerateAsync(bool keepData = false)
    {
        await EnsureLoadedAsync();
        var newId = Work.NewId();
        await (keepData ? Work.MoveAsync(newId) : Work.DestroyAsync(newId));
    }

    /// <summary>
    /// Binds the session to <paramref name="userId"/> (at login, after <see cref="RegenerateAsync"/>), saving it first: it
    /// joins the user's list (<see cref="UserSessionManager"/>) and counts against <see cref="UserSessionOptions.MaxSessionsPerUser"/>.
    /// </summary>
    /// <exception cref="UserSessionLimitReachedException">The limit refuses new sessions.</exception>
    public async Task<SessionUserBinding> BindUserAsync(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await EnsureLoadedAsync();
        return _users.BindingOf(await Work.BindUserAsync(userId, _users.DeviceOf(Work.Context), _users.Limit));
    }

    /// <summary>Unbinds the session from its user (it leaves the user's list); false when it was not bound.</summary>
    public async Task<bool> UnbindUserAsync()
    {
        await EnsureLoadedAsync();
        return await Work.UnbindUserAsync();
    }

    // ISession's synchronous members load on first use, as ASP.NET Core's session does; await LoadAsync() to avoid blocking.
    private SessionUnitOfWork EnsureLoaded()
    {
        if (!Work.IsLoaded)
        {
            Work.LoadAsync().GetAwaiter().GetResult();
        }

        return Work;
    }

    private Task EnsureLoadedAsync() => Work.IsLoaded ? Task.CompletedTask : Work.LoadAsync();
}
