namespace SessionGrains.AspNetCore;

// Why a presented session ID was not used (counted by SessionCookieReader).
internal enum SessionCookieRejection
{
    /// <summary>Not express-session's signed format (<c>s:</c>, ID, <c>.</c>, signature).</summary>
    Malformed,

    /// <summary>Well formed, but no configured secret signed it: tampered or forged.</summary>
    BadSignature,

    /// <summary>Correctly signed, but no live session has the ID (expired, destroyed or unknown).</summary>
    NoSession,
}
