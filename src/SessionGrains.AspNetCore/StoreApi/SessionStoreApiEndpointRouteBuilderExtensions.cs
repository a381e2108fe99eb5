using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SessionGrains.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps SessionGrains' HTTP/JSON session API for front ends that are not .NET (e.g. connect-sessiongrains in Node).</summary>
public static class SessionStoreApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the session API under <see cref="SessionStoreApiOptions.PathPrefix"/> (default "/session-store"): load,
    /// create, apply, increment, destroy and regenerate sessions, bind and unbind users, list and revoke a user's
    /// sessions. Every call needs <c>Authorization: Bearer &lt;token&gt;</c> with one of
    /// <see cref="SessionStoreApiOptions.Tokens"/>. With no token configured nothing is mapped (event 1500 says so)
    /// and the returned builder applies its conventions to no endpoint. Needs <c>AddSessionStoreApi</c>.
    /// </summary>
    /// <returns>A builder for the API's endpoints, e.g. to <c>RequireHost</c> an internal port.</returns>
    public static IEndpointConventionBuilder MapSessionStoreApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var options = (services.GetService<IOptions<SessionStoreApiOptions>>()
            ?? throw new InvalidOperationException("Call services.AddSessionStoreApi(...) before MapSessionStoreApi().")).Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SessionStoreApiHandlers));
        if (options.Tokens.Length == 0)
        {
            SessionStoreApiLog.Off(logger);
            return NoEndpoints.Instance;
        }

        var tokens = services.GetRequiredService<SessionStoreApiTokens>();
        SessionStoreApiLog.Mapped(logger, options.PathPrefix, tokens.Count);
        var api = endpoints.MapGroup(options.PathPrefix);
        api.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (tokens.Refusal(http.Request) is { } reason)
            {
                SessionStoreApiLog.Unauthorized(logger, reason, http.Connection.RemoteIpAddress?.ToString());
                http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
                return SessionStoreApiHandlers.Error(StatusCodes.Status401Unauthorized, "unauthorized", "A valid bearer token is required.");
            }

            return await next(context);
        });
        api.ExcludeFromDescription();

        static SessionStoreApiHandlers Handlers(HttpContext context) => context.RequestServices.GetRequiredService<SessionStoreApiHandlers>();
        static StoreApiLeaseHolders Leases(HttpContext context) => context.RequestServices.GetRequiredService<StoreApiLeaseHolders>();
        static StoreApiRequestBody Body(HttpContext context) => StoreApiRequestBody.Of(context.Request);

        api.MapPost("/leases", (HttpContext c) => Leases(c).OpenAsync(c));
        api.MapGet("/sessions/{id}", (string id, string? lease, HttpContext c) => Handlers(c).LoadAsync(id, Leases(c).Find(lease)));
        api.MapPut("/sessions/{id}", (string id, HttpContext c) => Handlers(c).CreateAsync(id, Body(c)));
        api.MapPatch("/sessions/{id}", (string id, string? lease, HttpContext c) => Handlers(c).ApplyAsync(id, Leases(c).Find(lease), Body(c)));
        api.MapDelete("/sessions/{id}", (string id, HttpContext c) => Handlers(c).DestroyAsync(id));
        api.MapPost("/sessions/{id}/increment", (string id, string? lease, HttpContext c) => Handlers(c).IncrementAsync(id, Leases(c).Find(lease), Body(c)));
        api.MapPost("/sessions/{id}/regenerate", (string id, HttpContext c) => Handlers(c).RegenerateAsync(id, Body(c)));
        api.MapPost("/sessions/{id}/user", (string id, HttpContext c) => Handlers(c).BindUserAsync(id, Body(c)));
        api.MapDelete("/sessions/{id}/user", (string id, HttpContext c) => Handlers(c).UnbindUserAsync(id));
        api.MapGet("/users/{userId}/sessions", (string userId, HttpContext c) => Handlers(c).ListUserSessionsAsync(userId));
        api.MapDelete("/users/{userId}/sessions/{handle}", (string userId, string handle, HttpContext c) => Handlers(c).RevokeAsync(userId, handle));
        api.MapPost("/users/{userId}/sessions/revoke-others", (string userId, HttpContext c) => Handlers(c).RevokeOthersAsync(userId, Body(c)));
        return api;
    }

    // What MapSessionStoreApi returns when the API is off: conventions apply to no endpoint.
    private sealed class NoEndpoints : IEndpointConventionBuilder
    {
        public static readonly NoEndpoints Instance = new();

        public void Add(Action<EndpointBuilder> convention)
        {
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
        }
    }
}
