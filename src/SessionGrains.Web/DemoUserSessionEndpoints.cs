using SessionGrains.AspNetCore;

namespace SessionGrains.Web;

/// <summary>
/// The demo's "your sessions" API: the logged-in user's sessions, by opaque handle (never by session ID), and revoking
/// them. Every route answers 401 without a logged-in session.
/// </summary>
public static class DemoUserSessionEndpoints
{
    public static void MapDemoUserSessionEndpoints(this IEndpointRouteBuilder app)
    {
        // Oldest first: [{ handle, current, createdAt, lastAccessAt, userAgent, ip }].
        app.MapGet("/me/sessions", async (HttpContext context, UserSessionManager users) =>
        {
            if (await LoggedInUserAsync(context) is not { } user)
            {
                return Results.Unauthorized();
            }

            var sessions = await users.ListAsync(user.UserId);
            return Results.Json(sessions.Select(s => new DemoUserSessionView(
                s.Handle, s.Handle == user.Handle, s.CreatedAt, s.LastAccessAt, s.Device?.UserAgent, s.Device?.ClientAddress)));
        });

        app.MapDelete("/me/sessions/{handle}", async (string handle, HttpContext context, UserSessionManager users) =>
        {
            if (await LoggedInUserAsync(context) is not { } user)
            {
                return Results.Unauthorized();
            }

            return await users.RevokeAsync(user.UserId, handle) ? Results.NoContent() : Results.NotFound();
        });

        app.MapPost("/me/sessions/revoke-others", async (HttpContext context, UserSessionManager users) =>
        {
            if (await LoggedInUserAsync(context) is not { } user)
            {
                return Results.Unauthorized();
            }

            await users.RevokeAllAsync(user.UserId, keepHandle: user.Handle);
            return context.Request.Query["redirect"] == "true" ? Results.Redirect("/") : Results.NoContent();
        });

        // The page's revoke buttons post a form (no script needed).
        app.MapPost("/me/sessions/{handle}/revoke", async (string handle, HttpContext context, UserSessionManager users) =>
        {
            if (await LoggedInUserAsync(context) is not { } user)
            {
                return Results.Unauthorized();
            }

            await users.RevokeAsync(user.UserId, handle);
            return Results.Redirect("/");
        });
    }

    /// <summary>The binding of the request's session, when a user is logged in on it.</summary>
    internal static async Task<SessionUserBinding?> LoggedInUserAsync(HttpContext context)
    {
        await context.Session.LoadAsync();
        return context.GetGrainSession().User;
    }

    private sealed record DemoUserSessionView(
        string Handle, bool Current, DateTimeOffset CreatedAt, DateTimeOffset LastAccessAt, string? UserAgent, string? Ip);
}
