using System.Globalization;
using SessionGrains.AspNetCore;

namespace SessionGrains.Web;

/// <summary>
/// The demo's stable HTTP API (used by benchmarks and black-box tests) and its HTML page. Form posts add
/// <c>?redirect=true</c> to be sent back to the page.
/// </summary>
public static class DemoEndpoints
{
    private const string CountKey = "count";
    private const string UserKey = "user";

    public static void MapDemoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", DemoPage.RenderAsync);

        // Never touches the session: the load harness's no-session route.
        app.MapGet("/ping", () => "pong");

        // Reads never modify the session; without a session cookie they make no grain call.
        app.MapGet("/counter", async (HttpContext context) =>
        {
            await context.Session.LoadAsync();
            return Results.Text(ReadCount(context.Session).ToString(CultureInfo.InvariantCulture));
        });

        // Read-modify-write through ISession: concurrent requests may overwrite each other, as with any session store.
        app.MapPost("/counter", async (HttpContext context) =>
        {
            await context.Session.LoadAsync();
            var count = ReadCount(context.Session) + 1;
            context.Session.SetString(CountKey, count.ToString(CultureInfo.InvariantCulture));
            return Respond(context, count.ToString(CultureInfo.InvariantCulture));
        });

        // The same counter incremented in the grain: concurrent requests lose nothing, and a client's retries with the same
        // Idempotency-Key increment it once.
        app.MapPost("/counter/atomic", async (HttpContext context) =>
        {
            var count = await context.GetGrainSession().IncrementAsync(CountKey);
            return Respond(context, count.ToString(CultureInfo.InvariantCulture));
        }).WithSessionIdempotency();

        app.MapPost("/login", async (HttpContext context) =>
        {
            var user = context.Request.Query[UserKey].ToString();
            if (string.IsNullOrEmpty(user) && context.Request.HasFormContentType)
            {
                user = (await context.Request.ReadFormAsync())[UserKey].ToString();
            }

            if (string.IsNullOrWhiteSpace(user))
            {
                return Results.BadRequest("user is required");
            }

            var session = context.GetGrainSession();
            await session.RegenerateAsync(keepData: true); // a new ID at login: no session fixation
            session.SetString(UserKey, user);
            await session.BindUserAsync(user); // saves, and lists the session under the user
            return Respond(context, user);
        });

        app.MapGet("/me", async (HttpContext context) =>
        {
            await context.Session.LoadAsync();
            return context.Session.GetString(UserKey) is { } user ? Results.Text(user) : Results.Unauthorized();
        });

        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.GetGrainSession().DestroyAsync();
            return context.Request.Query["redirect"] == "true" ? Results.Redirect("/") : Results.NoContent();
        });
    }

    internal static long ReadCount(ISession session)
        => long.TryParse(session.GetString(CountKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 0;

    internal static string? ReadUser(ISession session) => session.GetString(UserKey);

    private static IResult Respond(HttpContext context, string text)
        => context.Request.Query["redirect"] == "true" ? Results.Redirect("/") : Results.Text(text);
}
