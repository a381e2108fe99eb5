namespace SessionGrains.Testing;

/// <summary>A session a test created in the cluster, with the Cookie header that presents it to the app.</summary>
/// <param name="Id">The session ID (a bearer secret in production; fine to handle in tests).</param>
/// <param name="CookieHeader">The value of a Cookie request header carrying the signed ID.</param>
public sealed record TestSession(string Id, string CookieHeader);
