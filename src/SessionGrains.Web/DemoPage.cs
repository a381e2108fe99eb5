using System.Globalization;
using System.Net;
using SessionGrains.AspNetCore;

namespace SessionGrains.Web;

/// <summary>The demo's server-rendered page.</summary>
internal static class DemoPage
{
    public static async Task<IResult> RenderAsync(HttpContext context, IGrainFactory grains, UserSessionManager users)
    {
        var session = context.GetGrainSession();
        await session.LoadAsync();
        var user = DemoEndpoints.ReadUser(session);
        var stored = !session.IsNew;
        var silo = stored ? await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grains.GetGrain<ISessionGrain>(session.Id)) : null;
        var sessions = session.User is { } binding ? await RenderSessionsAsync(users, binding) : "";
        var expires = session.Cookie.Expires is { } at ? at.ToString("u", CultureInfo.InvariantCulture) : "end of browser session";

        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>SessionGrains demo</title>
            <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto}dt{font-weight:bold}form{display:inline-block;margin:.2rem}</style>
            </head>
            <body>
            <h1>SessionGrains demo</h1>
            <dl>
              <dt>Counter</dt><dd id="count">{{DemoEndpoints.ReadCount(session)}}</dd>
              <dt>User</dt><dd id="user">{{(user is null ? "not logged in" : WebUtility.HtmlEncode(user))}}</dd>
              <dt>Session tag</dt><dd id="session">{{(stored ? SessionTag.Of(session.Id)[..8] : "none yet")}}</dd>
              <dt>Cookie expires</dt><dd id="expires">{{expires}}</dd>
              <dt>Grain hosted by silo</dt><dd id="silo">{{(silo is null ? "no grain" : WebUtility.HtmlEncode(silo.ToString()))}}</dd>
            </dl>
            <form method="post" action="/counter?redirect=true"><button>+1 (read-modify-write)</button></form>
            <form method="post" action="/counter/atomic?redirect=true"><button>+1 (atomic in the grain)</button></form>
            <form method="post" action="/login?redirect=true"><input name="user" placeholder="name" required> <button>Log in</button></form>
            <form method="post" action="/logout?redirect=true"><button>Log out</button></form>
            {{sessions}}
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>"Your sessions": one row per live session of the user, oldest first, each with a revoke button.</summary>
    private static async Task<string> RenderSessionsAsync(UserSessionManager users, SessionUserBinding current)
    {
        var rows = (await users.ListAsync(current.UserId)).Select(s =>
        {
            var handle = WebUtility.HtmlEncode(s.Handle);
            var device = WebUtility.HtmlEncode($"{s.Device?.UserAgent ?? "unknown device"} ({s.Device?.ClientAddress ?? "no address"})");
            var action = s.Handle == current.Handle
                ? "this session"
                : $"""<form method="post" action="/me/sessions/{Uri.EscapeDataString(s.Handle)}/revoke"><button>Revoke</button></form>""";
            return $"""<li data-handle="{handle}">{device}, since {s.CreatedAt:u}, last seen {s.LastAccessAt:u}: {action}</li>""";
        });
        return $"""
            <h2>Your sessions</h2>
            <ul id="sessions">{string.Concat(rows)}</ul>
            <form method="post" action="/me/sessions/revoke-others?redirect=true"><button>Log out everywhere else</button></form>
            """;
    }
}
