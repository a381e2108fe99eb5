using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SessionGrains.Web;

/// <summary>
/// A login by cookie authentication (<see cref="DemoAccountSetup"/>) beside the session login of /login:
/// GET /account/login (a form with an antiforgery token), POST /account/login (400 without a valid token), GET /account
/// (the signed-in name, or 401) and POST /account/logout (antiforgery-checked too).
/// </summary>
public static class DemoAccountEndpoints
{
    private const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static void MapDemoAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/login", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            var html = $"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Sign in (cookie authentication)</title></head>
                <body>
                <form method="post" action="/account/login">
                <input type="hidden" name="{tokens.FormFieldName}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}">
                <input name="name" placeholder="name" required> <button>Sign in</button>
                </form>
                </body></html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        });

        app.MapPost("/account/login", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest("The antiforgery token is missing or invalid.");
            }

            var name = (await context.Request.ReadFormAsync())["name"].ToString();
            if (string.IsNullOrWhiteSpace(name))
            {
                return Results.BadRequest("name is required");
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Name, name)], Scheme);
            await context.SignInAsync(Scheme, new ClaimsPrincipal(identity)); // the ticket goes to a session grain
            return Results.Text(name);
        });

        app.MapGet("/account", async (HttpContext context) =>
            await context.AuthenticateAsync(Scheme) is { Succeeded: true, Principal.Identity.Name: { } name }
                ? Results.Text(name)
                : Results.Unauthorized());

        app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest("The antiforgery token is missing or invalid.");
            }

            await context.SignOutAsync(Scheme);
            return Results.NoContent();
        });
    }
}
