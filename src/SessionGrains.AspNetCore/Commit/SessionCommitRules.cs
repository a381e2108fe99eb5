namespace SessionGrains.AspNetCore;

/// <summary>
/// express-session's end-of-request rules (its <c>shouldDestroy</c>, <c>shouldSave</c>, <c>shouldTouch</c>,
/// <c>shouldSetCookie</c>), as pure functions of the request's facts. <see cref="GrainSession"/> asks
/// <see cref="ShouldLoad"/> whether an unused session must be loaded first, then carries out <see cref="Plan"/>.
/// </summary>
internal static class SessionCommitRules
{
    /// <summary>
    /// Whether a session the request never used must still be loaded at the end: one the app unset to destroy it, a
    /// presented one when a rule needs its stored state (rolling cookie, resave, an explicit touch, re-signing with the
    /// current secret), and a new one when uninitialized sessions are saved. Otherwise the request makes no grain call.
    /// </summary>
    public static bool ShouldLoad(SessionCommitFacts facts, SessionFrontEndOptions options)
    {
        if (facts.Replaced)
        {
            return ShouldDestroy(facts, options);
        }

        return facts.Presented
            ? options.Rolling || options.Resave || options.SaveUninitialized || facts.TouchRequested || facts.SignedWithOlderSecret
            : options.SaveUninitialized;
    }

    /// <summary>The plan for the request's end, from its facts once the session is loaded.</summary>
    public static SessionCommitPlan Plan(SessionCommitFacts facts, SessionFrontEndOptions options)
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

    /// <summary>Whether to delete the stored session: the app unset it and <see cref="SessionFrontEndOptions.Unset"/> is Destroy.</summary>
    public static bool ShouldDestroy(SessionCommitFacts facts, SessionFrontEndOptions options)
        => facts.Replaced && options.Unset == SessionUnset.Destroy;

    /// <summary>
    /// Whether to write the session: a stored one with unsaved changes; a new one when modified, or always when
    /// uninitialized sessions are saved.
    /// </summary>
    public static bool ShouldSave(SessionCommitFacts facts, SessionFrontEndOptions options)
        => facts.Stored ? facts.UnsavedChanges : facts.Modified || options.SaveUninitialized;

    /// <summary>
    /// Whether to store an unchanged stored session again (<see cref="SessionFrontEndOptions.Resave"/>), unless the app
    /// saved it explicitly; the grain does it as a touch.
    /// </summary>
    public static bool ShouldTouch(SessionCommitFacts facts, SessionFrontEndOptions options)
        => facts.Stored && !facts.UnsavedChanges && options.Resave && !facts.SavedExplicitly;

    /// <summary>
    /// Whether a stored session's cookie goes on the response: a new or regenerated ID, every response when
    /// <see cref="SessionFrontEndOptions.Rolling"/>, a modified session with an expiring cookie, cookie attributes the app
    /// changed, or a cookie signed with an older secret.
    /// </summary>
    public static bool ShouldSetCookie(SessionCommitFacts facts, SessionFrontEndOptions options)
        => facts.Stored
            && (facts.IdChanged || options.Rolling || (facts.CookieExpires && facts.Modified) || facts.CookieChanged || facts.SignedWithOlderSecret);
}
