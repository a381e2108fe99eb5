namespace SessionGrains.AspNetCore;

/// <summary>What <see cref="SessionCommitRules"/> decide from: the state of one request's session at its end.</summary>
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
/// <param name="CookieChanged">The app changed the cookie's attributes.</param>
internal readonly record struct SessionCommitFacts(
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
