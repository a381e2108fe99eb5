using System.Globalization;
using System.Net;
using SessionGrains.AspNetCore;

namespace SessionGrains.Web;

/// <summary>The demo's server-rendered page.</summary>
internal static class DemoPage
{
    /// <summary>This process: which front end of a farm served the page.</summary>
    private static string FrontEnd => $"{Environment.MachineName} (process {Environment.ProcessId})";

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
            <meta name="viewport" content="width=device-width,initial-scale=1">
            <style>
            body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1d2733;background:#f6f8fa}
            h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:1rem}
            dt{font-weight:600;color:#57606a}dd{margin:0;font-variant-numeric:tabular-nums}
            form{display:inline-block;margin:.25rem .25rem .25rem 0}
            button,input{font:inherit;padding:.35rem .7rem;border-radius:6px;border:1px solid #afb8c1;background:#fff}
            button{cursor:pointer;background:#0969da;border-color:#0969da;color:#fff}button:hover{background:#0550ae}
            ul{padding-left:1.2rem}li{margin:.3rem 0}
            </style>
            </head>
            <body>
            <h1>SessionGrains demo</h1>
            <dl>
              <dt>Counter</dt><dd id="count">{{DemoEndpoints.ReadCount(session)}}</dd>
              <dt>User</dt><dd id="user">{{(user is null ? "not logged in" : WebUtility.HtmlEncode(user))}}</dd>
              <dt>Session tag</dt><dd id="session">{{(stored ? SessionTag.Of(session.Id)[..8] : "none yet")}}</dd>
              <dt>Cookie expires</dt><dd id="expires">{{expires}}</dd>
              <dt>Served by front end</dt><dd id="front-end">{{WebUtility.HtmlEncode(FrontEnd)}}</dd>
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
