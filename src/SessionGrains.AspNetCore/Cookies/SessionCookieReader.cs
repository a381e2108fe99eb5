using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

// The session IDs a request presents (the optional header first, then every cookie of the name), verified; the one place
// that counts presented IDs it does not use.
internal sealed class SessionCookieReader(
    IOptions<SessionFrontEndOptions> options, SessionCookieSigner signer, SessionFrontEndMetrics metrics, ILogger<SessionCookieReader> logger)
{
    private readonly SessionFrontEndOptions _options = options.Value;

    public List<PresentedSessionId> Read(HttpRequest request)
    {
        var presented = new List<PresentedSessionId>(1);
        if (_options.HeaderName is { } headerName)
        {
            foreach (var value in request.Headers[headerName])
            {
                AddIfVerified(presented, SessionCookieCodec.Decode(value));
            }
        }

        foreach (var value in SessionCookieCodec.ReadAll(request.Headers.Cookie, _options.Name))
        {
            AddIfVerified(presented, value);
        }

        return presented;
    }

    public void RejectUnknown() => metrics.CookieRejected(SessionCookieRejection.NoSession);

    private void AddIfVerified(List<PresentedSessionId> presented, string value)
    {
        if (!signer.TryUnsign(value, out var id, out var secretIndex, out var rejection))
        {
            SessionFrontEndLog.SignatureRejected(logger);
            metrics.CookieRejected(rejection);
        }
        else if (!IsPresented(presented, id))
        {
            presented.Add(new PresentedSessionId(id, secretIndex));
        }
    }

    private static bool IsPresented(List<PresentedSessionId> presented, string id)
    {
        foreach (var p in presented)
        {
            if (p.Id == id)
            {
                return true;
            }
        }

        return false;
    }
}
