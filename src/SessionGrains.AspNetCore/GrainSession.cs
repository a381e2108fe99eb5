using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The session of one request: <see cref="ISession"/> for existing code, plus express-session's richer API. It loads on
/// first use and hands data and grain calls to a <see cref="SessionUnitOfWork"/>, which sends the grain only the keys
/// that differ from the last saved state. At the end of the request it carries out <see cref="SessionCommitRules"/>' plan.
/// </summary>
public sealed class GrainSession : ISession
{
    private static readonly JsonSerializerOptions JsonOptions = JsonSerializerOptions.Web;

    private readonly HttpContext _context;
    private readonly SessionFrontEndOptions _options;
    private readonly SessionCookieWriter _cookieWriter;
    private readonly IReadOnlyList<PresentedSessionId> _presented;
    private readonly GrainSessionStore _store;
    private readonly UserSessionBinder _binder;
    private SessionUnitOfWork? _work; // created on first use: an unused session costs no more than its cookie

    private bool _savedExplicitly;
    private bool _touchRequested;
    private bool _committed;

    internal GrainSession(
        HttpContext context,
        SessionFrontEndOptions options,
        GrainSessionStore store,
        SessionCookieWriter cookieWriter,
        UserSessionBinder binder,
        TimeProvider clock,
        IReadOnlyList<PresentedSessionId> presented)
    {
        _context = context;
        _options = options;
        _cookieWriter = cookieWriter;
        _presented = presented;
        _store = store;
        _binder = binder;
        Cookie = new SessionCookie(options.Cookie, clock);
    }

    /// <summary>The request this session belongs to.</summary>
    internal HttpContext HttpContext => _context;

    /// <summary>The session ID. Reading it on a new session assigns one (a fresh random ID, never one the client sent).</summary>
    public string Id => Loaded().AssignId();

    /// <summary>True when this session was not presented by the request (new, destroyed or regenerated during it).</summary>
    public bool IsNew => Loaded().Id is null || Loaded().IdChanged;

    /// <summary>This request's session cookie; changes apply to this response.</summary>
    public SessionCookie Cookie { get; }

    /// <summary>The stored version last seen: 0 for an unsaved session.</summary>
    public long Version => _work?.Version ?? 0;

    /// <summary>The user this session is bound to (<see cref="BindUserAsync"/>), with its handle in the user's list; or null.</summary>
    public SessionUserBinding? User => Loaded().User;

    /// <inheritdoc />
    public bool IsAvailable
    {
        get
        {
            try
            {
                Loaded();
                return true;
            }
            catch (SessionUnavailableException)
            {
                return false;
            }
        }
    }

    /// <inheritdoc />
    public IEnumerable<string> Keys => Loaded().Tracker.Keys;

    /// <inheritdoc />
    public Task LoadAsync(CancellationToken cancellationToken = default) => EnsureLoadedAsync();

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken = default) => SaveAsync();

    /// <inheritdoc />
    /// <remarks>The value is a copy: stored arrays may be shared with the grain and other requests, and are never exposed.</remarks>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value)
        => Loaded().Tracker.TryGetValue(key, out value);

    /// <inheritdoc />
    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        Loaded().Tracker.Set(key, value);
    }

    /// <inheritdoc />
    public void Remove(string key) => Loaded().Tracker.Remove(key);

    /// <inheritdoc />
    public void Clear() => Loaded().Tracker.Clear();

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
        return await Work.IncrementAsync(key, delta)
            ?? throw new InvalidOperationException("The session ended during the request; nothing was incremented.");
    }

    /// <summary>Saves the session now; the end of the request then saves again only if it changes further.</summary>
    public async Task SaveAsync()
    {
        await EnsureLoadedAsync();
        await Work.FlushAsync();
        _savedExplicitly = true;
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
    /// Gives the session a new ID (do it at login against session fixation). Without <paramref name="keepData"/>, the
    /// old session is destroyed and an empty one begins (express-session's regenerate). With it, the grain moves the data
    /// (and unsaved changes) to the new ID and destroys the old one in one step, so the two are never both live.
    /// </summary>
    public async Task RegenerateAsync(bool keepData = false)
    {
        await EnsureLoadedAsync();
        var newId = Work.NewId();
        await (keepData ? Work.MoveAsync(newId) : Work.DestroyAsync(newId));
    }

    /// <summary>
    /// Binds the session to <paramref name="userId"/> (call it at login, after <see cref="RegenerateAsync"/>): the
    /// session then appears in the user's list (<see cref="UserSessionManager"/>), can be revoked from there, and counts
    /// against <see cref="UserSessionOptions.MaxSessionsPerUser"/>. Saves the session first. Throws
    /// <see cref="UserSessionLimitReachedException"/> when the limit refuses new sessions.
    /// </summary>
    public async Task<SessionUserBinding> BindUserAsync(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await EnsureLoadedAsync();
        return _binder.BindingOf(await Work.BindUserAsync(userId, _binder.DeviceOf(_context), _binder.Limit));
    }

    /// <summary>Unbinds the session from its user (it leaves the user's list); false when it was not bound.</summary>
    public async Task<bool> UnbindUserAsync()
    {
        await EnsureLoadedAsync();
        return await Work.UnbindUserAsync();
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

    /// <summary>The end of the request: loads if a rule needs it, then destroys, saves, touches and sets the cookie as planned. Runs once.</summary>
    internal async Task CommitAtEndAsync()
    {
        if (_committed)
        {
            return;
        }

        _committed = true;
        if (_work is not { IsLoaded: true })
        {
            if (!SessionCommitRules.ShouldLoad(Facts(), _options))
            {
                return; // the session was never used: no grain call
            }

            await EnsureLoadedAsync(); // loading touches the stored session
        }

        var plan = SessionCommitRules.Plan(Facts(), _options);
        var work = Work;
        using var activity = plan.Destroy || plan.Save || plan.Touch ? _store.Activities.StartCommit() : null;
        activity?.SetTag("sessiongrains.commit.action", plan.Destroy ? "destroy" : plan.Save ? "save" : "touch");
        if (plan.Destroy)
        {
            await work.DestroyAsync(nextId: null);
        }
        else if (plan.Save || plan.Touch)
        {
            await work.FlushAsync();
        }

        if (work.IsStored && plan.SetCookie)
        {
            _cookieWriter.Write(_context, Cookie, work.Id!);
        }
        else if (!work.IsStored && work.EndedPresentedSession && plan.ClearCookieIfEnded)
        {
            _cookieWriter.Clear(_context, Cookie); // ended, and no new session saved in its place
        }
    }

    private SessionCommitFacts Facts()
    {
        var work = _work;
        var loaded = work is { IsLoaded: true };
        return new(
            Replaced: !ReferenceEquals(_context.Features.Get<ISessionFeature>()?.Session, this),
            Presented: _presented.Count > 0,
            SignedWithOlderSecret: loaded ? work!.SignedWithOlderSecret : _presented.Count > 0 && _presented[0].SecretIndex > 0,
            TouchRequested: _touchRequested,
            Stored: work?.IsStored ?? false,
            Modified: work?.Tracker.IsModified ?? false,
            UnsavedChanges: work?.Tracker.HasUnsavedChanges ?? false,
            SavedExplicitly: _savedExplicitly,
            IdChanged: work?.IdChanged ?? false,
            CookieExpires: Cookie.Expires is not null,
            CookieChanged: Cookie.IsChanged);
    }

    private SessionUnitOfWork Work => _work ??= new SessionUnitOfWork(
        _store, new SessionTimeouts(_options.IdleTimeout, _options.AbsoluteTimeout), _options.IdGenerator, _context);

    private SessionUnitOfWork Loaded()
    {
        var work = Work;
        if (!work.IsLoaded)
        {
            // ISession's synchronous members load on first use, as ASP.NET Core's session does; await LoadAsync() to avoid blocking.
            work.LoadAsync(_presented).GetAwaiter().GetResult();
        }

        return work;
    }

    // Several presented IDs (duplicate cookies, header and cookie): the first that names a live session wins.
    private Task EnsureLoadedAsync() => Work.IsLoaded ? Task.CompletedTask : Work.LoadAsync(_presented);
}
