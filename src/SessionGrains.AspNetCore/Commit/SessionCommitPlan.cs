namespace SessionGrains.AspNetCore;

/// <summary>What the end of a request does, as <see cref="SessionCommitRules.Plan"/> decides it.</summary>
/// <param name="Destroy">Delete the stored session (the app unset it, and <see cref="SessionUnset.Destroy"/> is chosen).</param>
/// <param name="Save">Write the session: create it, or send its unsaved changes.</param>
/// <param name="Touch">Store an unchanged session again, which the grain does as a touch (resave).</param>
/// <param name="SetCookie">Send the session cookie, once the session is stored.</param>
/// <param name="ClearCookieIfEnded">Clear the browser's cookie if the presented session ended and none is stored in its place.</param>
internal readonly record struct SessionCommitPlan(bool Destroy, bool Save, bool Touch, bool SetCookie, bool ClearCookieIfEnded);
