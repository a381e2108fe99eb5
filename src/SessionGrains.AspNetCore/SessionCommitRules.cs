namespace SessionGrains.AspNetCore;

/// <summary>
/// express-session's end-of-request rules (its <c>shouldSave</c>, <c>shouldTouch</c>, <c>shouldSetCookie</c>), as pure
/// functions of the request's facts. <see cref="GrainSession"/> applies them in order: load, save, set cookie.
/// </summary>
internal static class SessionCommitRules
{
    /// <summary>
    /// Whether a session the request never used must still be loaded at the end: a presented one when a rule needs its
    /// stored state (rolling cookie, resave, an explicit touch, re-signing with the current secret), and a new one when
    /// uninitialized sessions are saved. Otherwise the request makes no grain call.
    /// </summary>
    public static bool ShouldLoad(SessionCommitFacts facts, GrainSessionOptions options) => facts.Presented
        ? options.Rolling || options.Resave || options.SaveUninitialized || facts.TouchRequested || facts.SignedWithOlderSecret
        : options.SaveUninitialized;

    /// <summary>
    /// Whether to write the session: never a new, unmodified one unless uninitialized sessions are saved; otherwise a
    /// new one, unsaved changes, or (<see cref="GrainSessionOptions.Resave"/>) an unchanged one not saved explicitly,
    /// which the grain stores as a touch.
    /// </summary>
    public static bool ShouldSave(SessionCommitFacts facts, GrainSessionOptions options)
        => (facts.Stored || facts.Modified || options.SaveUninitialized)
            && (!facts.Stored || facts.UnsavedChanges || (options.Resave && !facts.SavedExplicitly));

    /// <summary>
    /// Whether a stored session's cookie goes on the response: a new or regenerated ID, every response when
    /// <see cref="GrainSessionOptions.Rolling"/>, a modified session with an expiring cookie, cookie attributes the app
    /// changed, or a cookie signed with an older secret.
    /// </summary>
    public static bool ShouldSetCookie(SessionCommitFacts facts, GrainSessionOptions options)
        => facts.Stored
            && (facts.IdChanged || options.Rolling || (facts.CookieExpires && facts.Modified) || facts.CookieChanged || facts.SignedWithOlderSecret);
}

/// <summary>What <see cref="SessionCommitRules"/> decide from: the state of one request's session at its end.</summary>
internal readonly record struct SessionCommitFacts(
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
