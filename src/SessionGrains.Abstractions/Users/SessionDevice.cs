namespace SessionGrains;

/// <summary>
/// The little that a user's session list shows about the device that logged in: personal data, kept only for sessions
/// bound to a user, bounded in size and deleted with the session.
/// </summary>
/// <param name="UserAgent">The request's User-Agent header, cut to <see cref="MaxUserAgentLength"/> characters.</param>
/// <param name="ClientAddress">The client's IP address as the app sees it (after ForwardedHeaders), or null.</param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionDevice")]
public sealed record SessionDevice([property: Id(0)] string? UserAgent, [property: Id(1)] string? ClientAddress)
{
    /// <summary>The longest user agent kept, in characters.</summary>
    public const int MaxUserAgentLength = 256;

    /// <summary>The longest client address kept (an IPv6 address with a zone fits).</summary>
    public const int MaxClientAddressLength = 64;

    /// <summary>The device with both values cut to their bounds.</summary>
    public SessionDevice Bounded() => new(Cut(UserAgent, MaxUserAgentLength), Cut(ClientAddress, MaxClientAddressLength));

    private static string? Cut(string? value, int length) => value is { Length: > 0 } && value.Length > length ? value[..length] : value;
}
