using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SameSiteMode = Microsoft.Net.Http.Headers.SameSiteMode;

namespace SessionGrains.AspNetCore;

// Writes the session cookie (and the optional session header) in express-session's format.
internal sealed class SessionCookieWriter(IOptions<SessionFrontEndOptions> options, SessionCookieSigner signer, ILogger<SessionCookieWriter> logger)
{
    private readonly SessionFrontEndOptions _options = options.Value;

    public void Write(HttpContext context, SessionCookie cookie, string sessionId)
        => Append(context, cookie, SessionCookieCodec.Encode(signer.Sign(sessionId)), cookie.Expires);

    /// <summary>Sends an expired cookie that removes the browser's copy.</summary>
    public void Clear(HttpContext context, SessionCookie cookie) => Append(context, cookie, string.Empty, DateTimeOffset.UnixEpoch);

    private bool IsSecure(HttpContext context)
    {
        var directTls = context.Features.Get<ITlsConnectionFeature>() is not null;
        return _options.Proxy switch
        {
            null => context.Request.IsHttps,
            true => directTls || FirstForwardedProtoIsHttps(context.Request),
            false => directTls,
        };
    }

    private void Append(HttpContext context, SessionCookie cookie, string value, DateTimeOffset? expires)
    {
        var secureRequest = IsSecure(context);
        if (cookie.Secure == SessionCookieSecure.True && !secureRequest)
        {
            SessionFrontEndLog.SecureCookieNotSent(logger);
            return;
        }

        var header = new SetCookieHeaderValue(_options.Name, value)
        {
            Path = cookie.Path,
            Domain = cookie.Domain,
            Expires = expires,
            HttpOnly = cookie.HttpOnly,
            Secure = cookie.Secure == SessionCookieSecure.True || (cookie.Secure == SessionCookieSecure.Auto && secureRequest),
            SameSite = cookie.SameSite switch
            {
                SessionCookieSameSite.None => SameSiteMode.None,
                SessionCookieSameSite.Strict => SameSiteMode.Strict,
                SessionCookieSameSite.Auto => secureRequest ? SameSiteMode.None : SameSiteMode.Lax,
                _ => SameSiteMode.Lax,
            },
        };
        if (cookie.Priority != SessionCookiePriority.Unspecified)
        {
            header.Extensions.Add($"Priority={cookie.Priority}");
        }

        if (cookie.Partitioned)
        {
            header.Extensions.Add("Partitioned");
        }

        var headers = context.Response.Headers;
        headers.Append(HeaderNames.SetCookie, header.ToString());
        headers.CacheControl = "no-cache,no-store";
        headers.Pragma = "no-cache";
        if (_options.HeaderName is { } headerName)
        {
            headers[headerName] = value;
        }
    }

    private static bool FirstForwardedProtoIsHttps(HttpRequest request)
    {
        var forwarded = request.Headers["X-Forwarded-Proto"].ToString();
        var first = forwarded.AsSpan();
        var comma = first.IndexOf(',');
        if (comma >= 0)
        {
            first = first[..comma];
        }

        return first.Trim().Equals("https", StringComparison.OrdinalIgnoreCase);
    }
}
