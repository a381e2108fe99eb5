namespace SessionGrains.AspNetCore;

/// <summary>What happens to the stored session when the app unsets <c>HttpContext.Session</c> (express-session's <c>unset</c>).</summary>
public enum SessionUnset
{
    /// <summary>The stored session is kept; this request's changes are not saved.</summary>
    Keep,

    /// <summary>The stored session is destroyed when the response starts.</summary>
    Destroy,
}
