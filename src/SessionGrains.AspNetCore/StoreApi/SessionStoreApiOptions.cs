namespace SessionGrains.AspNetCore;

/// <summary>
/// The HTTP/JSON session API for front ends that are not .NET (an express-session store in Node), mapped by
/// <c>MapSessionStoreApi</c>. Configuration section "SessionStoreApi"; with no token the API is not mapped.
/// </summary>
public sealed class SessionStoreApiOptions
{
    /// <summary>The configuration section the hosts bind: "SessionStoreApi".</summary>
    public const string SectionName = "SessionStoreApi";

    /// <summary>The shortest token accepted, in characters.</summary>
    public const int MinTokenLength = 32;

    /// <summary>
    /// The bearer tokens a caller may present (<c>Authorization: Bearer &lt;token&gt;</c>), each at least
    /// <see cref="MinTokenLength"/> characters. Every token is accepted, so a new one is added before callers switch to
    /// it and the old one removed after. Empty (the default): the API is not mapped. Configuration key
    /// SessionStoreApi:Tokens:0 (environment variable SessionStoreApi__Tokens__0).
    /// </summary>
    public string[] Tokens { get; set; } = [];

    /// <summary>Where the API is mapped: a path under the host's root, starting with '/'. Defaults to "/session-store".</summary>
    public string PathPrefix { get; set; } = "/session-store";
}
