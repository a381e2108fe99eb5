namespace SessionGrains.AspNetCore;

// express-session's shouldDestroy, shouldSave, shouldTouch and shouldSetCookie as pure functions of a request's Facts:
// the one place that decides what to store.
internal static class SessionCommitRules
{
    // An unused session is loaded at the end only to destroy it, for a rule that needs its stored state, or to save it uninitialized.
    public static bool ShouldLoad(Facts facts, SessionFrontEndOptions options)
    {
        if (facts.Replaced)
        {
            return ShouldDestroy(facts, options);
        }

        return facts.Presented
            ? options.Rolling || options.Resave || options.SaveUninitialized || facts.TouchRequested || facts.SignedWithOlderSecret
            : options.SaveUninitialized;
    }

    public static Plan Decide(Facts facts, SessionFrontEndOptions options)
    {
        if (facts.Replaced)
        {
            var destroy = ShouldDestroy(facts, options); // else Keep: the stored session stays as it was, cookie and all
            return new(destroy, Save: false, Touch: false, SetCookie: false, ClearCookieIfEnded: destroy);
        }

        var save = ShouldSave(facts, options);

        // Saving changes what is stored and, for a new session, the ID; never what the request modified.
        var saved = save ? facts with { Stored = true, IdChanged = facts.IdChanged || !facts.Stored } : facts;
        return new(Destroy: false, save, ShouldTouch(facts, options), ShouldSetCookie(saved, options), ClearCookieIfEnded: true);
    }

    /// <summary>An explicit save (express-session's <c>save()</c>): writes what is unsaved, else stores the session again as a touch.</summary>
    public static Plan DecideExplicitSave(Facts facts)
    {
        var save = !facts.Stored || facts.UnsavedChanges;
        return new(Destroy: false, save, Touch: !save, SetCookie: false, ClearCookieIfEnded: false);
    }

    public static bool ShouldDestroy(Facts facts, SessionFrontEndOptions options)
        => facts.Replaced && options.Unset == SessionUnset.Destroy;

    /// <summary>A stored session with unsaved changes; a new one when modified, or always when uninitialized sessions are saved.</summary>
    public static bool ShouldSave(Facts facts, SessionFrontEndOptions options)
        => facts.Stored ? facts.UnsavedChanges : facts.Modified || options.SaveUninitialized;

    /// <summary>An unchanged stored session under <see cref="SessionFrontEndOptions.Resave"/>, unless the app saved it explicitly.</summary>
    public static bool ShouldTouch(Facts facts, SessionFrontEndOptions options)
        => facts.Stored && !facts.UnsavedChanges && options.Resave && !facts.SavedExplicitly;

    /// <summary>
    /// A stored session's cookie goes out for a new ID, on every response when rolling, for a modified session with an
    /// expiring cookie, for cookie attributes the app changed, and to re-sign a cookie signed with an older secret.
    /// </summary>
    public static bool ShouldSetCookie(Facts facts, SessionFrontEndOptions options)
        => facts.Stored
            && (facts.IdChanged || options.Rolling || (facts.CookieExpires && facts.Modified) || facts.CookieChanged || facts.SignedWithOlderSecret);

    /// <summary>The state of one request's session at its end.</summary>
    /// <param name="Replaced">The app replaced or removed <c>HttpContext.Session</c> (express-session's unset).</param>
    /// <param name="Presented">The request presented at least one validly signed session ID.</param>
    /// <param name="SignedWithOlderSecret">The loaded (or first presented) ID was signed with an older secret.</param>
    /// <param name="TouchRequested">The app called <see cref="GrainSession.Touch"/>.</param>
    /// <param name="Stored">A live stored session backs this request's session.</param>
    /// <param name="Modified">The data differs from what the request loaded, or was incremented.</param>
    /// <param name="UnsavedChanges">The data differs from what was last saved.</param>
    /// <param name="SavedExplicitly">The app called <see cref="GrainSession.SaveAsync"/>.</param>
    /// <param name="IdChanged">The session's ID is not the one the request loaded.</param>
    /// <param name="CookieExpires">The cookie has an expiry (a max age), so it must move with changes.</param>
    /// <param name="CookieChanged">The app changed an attribute of the cookie.</param>
    public readonly record struct Facts(
        bool Replaced,
        bool Presented,
        bool SignedWithOlderSecret,
        bool TouchRequested,
        bool Stored,
        bool Modified,
        bool UnsavedChanges,
        bool SavedExplicitly,
        bool IdChanged,
        bool CookieExpires,
        bool CookieChanged);

    /// <summary>
    /// What to do: at most one of Destroy, Save (create, or send unsaved changes) and Touch; then SetCookie, or clear the
    /// browser's cookie if the presented session ended and none is stored in its place (ClearCookieIfEnded).
    /// </summary>
    public readonly record struct Plan(bool Destroy, bool Save, bool Touch, bool SetCookie, bool ClearCookieIfEnded);
}
