using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SessionGrains.AspNetCore;

namespace SessionGrains.Testing;

/// <summary>
/// The app's session cookies as a test makes and reads them: signed with the app's current secret and named as the app
/// names them (<see cref="SessionFrontEndOptions"/>), in express-session's format.
/// </summary>
public sealed class SignedSessionCookies
{
    private readonly SessionCookieSigner _signer;

    /// <summary>Reads the signer and the cookie name from the app's services.</summary>
    public SignedSessionCookies(IServiceProvider appServices)
    {
        _signer = appServices.GetRequiredService<SessionCookieSigner>();
        Name = appServices.GetRequiredService<IOptions<SessionFrontEndOptions>>().Value.Name;
    }

    /// <summary>The cookie's name (connect.sid unless the app changed it).</summary>
    public string Name { get; }

    /// <summary>The cookie's value for <paramref name="sessionId"/>: the signed ID, URL-encoded.</summary>
    public string ValueOf(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        return Uri.EscapeDataString(_signer.Sign(sessionId));
    }

    /// <summary>A Cookie request header presenting <paramref name="sessionId"/>.</summary>
    public string HeaderFor(string sessionId) => Name + "=" + ValueOf(sessionId);

    /// <summary>The cookie for <paramref name="sessionId"/>, for a <see cref="CookieContainer"/>.</summary>
    public Cookie CookieFor(string sessionId) => new(Name, ValueOf(sessionId), "/");

    /// <summary>
    /// The session ID that <paramref name="response"/> sets in its session cookie, when the signature verifies; null when
    /// it sets none or clears it.
    /// </summary>
    public string? SessionIdOf(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.Headers.TryGetValues(HeaderNames.SetCookie, out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            if (SetCookieHeaderValue.TryParse(value, out var cookie) && cookie.Name.Equals(Name, StringComparison.Ordinal)
                && _signer.TryUnsign(Uri.UnescapeDataString(cookie.Value.ToString()), out var sessionId, out _))
            {
                return sessionId;
            }
        }

        return null;
    }
}
