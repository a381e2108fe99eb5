using Microsoft.AspNetCore.Http.Features;

namespace SessionGrains.AspNetCore;

/// <summary>The end of the request: express-session's save and Set-Cookie rules.</summary>
public sealed partial class GrainSession
{
    /// <summary>Commits at the end of the request, by express-session's save and Set-Cookie rules. Runs once.</summary>
    internal async Task CommitAtEndAsync()
    {
        if (_committed)
        {
            return;
        }

        _committed = true;
        if (!ReferenceEquals(_context.Features.Get<ISessionFeature>()?.Session, this))
        {
            await UnsetAsync();
            return;
        }

        if (!_loaded)
        {
            if (!SessionCommitRules.ShouldLoad(CommitFacts(), _options))
            {
                return; // the session was never used: no grain call
            }

            await EnsureLoadedAsync(); // loading touches the stored session
        }

        var facts = CommitFacts();
        if (SessionCommitRules.ShouldSave(facts, _options))
        {
            await FlushAsync();
        }

        if (!_stored)
        {
            ClearCookieIfEnded();
            return; // not saved (new and unmodified), ended during the request, or refused
        }

        // Saving changes what is stored and may change the ID, never what the request modified.
        if (SessionCommitRules.ShouldSetCookie(facts with { Stored = true, IdChanged = _id != _loadedId }, _options))
        {
            _cookieWriter.Write(_context, Cookie, _id!);
        }
    }

    private SessionCommitFacts CommitFacts() => new(
        Presented: _presented.Count > 0,
        SignedWithOlderSecret: _resign || (!_loaded && _presented.Count > 0 && _presented[0].SecretIndex > 0),
        TouchRequested: _touchRequested,
        Stored: _stored,
        Modified: IsModified,
        UnsavedChanges: HasUnsavedChanges,
        SavedExplicitly: _savedExplicitly,
        IdChanged: _id != _loadedId,
        CookieExpires: Cookie.Expires is not null,
        CookieChanged: Cookie.IsChanged);

    private async Task UnsetAsync()
    {
        if (_options.Unset != SessionUnset.Destroy)
        {
            return; // Keep: the stored session stays as it was
        }

        await EnsureLoadedAsync();
        if (_stored)
        {
            await _store.DestroyAsync(_id!);
            StartOver(endedPresented: _loadedId is not null, id: null);
        }

        ClearCookieIfEnded();
    }

    private async Task FlushAsync()
    {
        if (!_stored)
        {
            _id ??= NewId();
            var created = await _store.CreateAsync(_id, _settings, new SessionChangeSet { Sets = new(_data, StringComparer.Ordinal) });
            if (created.Status == SessionWriteStatus.AlreadyExists)
            {
                _id = NewId(); // a collision of random IDs: practically never, but never share a session
                created = await _store.CreateAsync(_id, _settings, new SessionChangeSet { Sets = new(_data, StringComparer.Ordinal) });
            }

            _stored = created.Succeeded;
            Version = created.Version;
        }
        else
        {
            var result = HasUnsavedChanges ? await _store.ApplyAsync(_id!, BuildChangeSet()) : await _store.TouchAsync(_id!);
            if (result.Status == SessionWriteStatus.NoSession)
            {
                EndedDuringRequest();
                return;
            }

            Version = result.Version;
        }

        _savedData = new(_data, StringComparer.Ordinal);
    }

    private void ClearCookieIfEnded()
    {
        if (_endedPresentedSession)
        {
            _cookieWriter.Clear(_context, Cookie);
        }
    }
}
