using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Keeps cookie authentication tickets server-side, each in a session grain of its own, so that signing out or revoking
/// the session really ends the login. A ticket whose principal has a <see cref="ClaimTypes.NameIdentifier"/> or <c>sub</c>
/// claim is bound to that user (<see cref="UserSessionManager"/>, <see cref="UserSessionOptions.MaxSessionsPerUser"/>).
/// </summary>
/// <remarks>
/// The session's idle timeout is the ticket's lifetime (<see cref="DefaultLifetime"/> when it has none). An expired
/// ticket is never returned, and renewing one whose session ended stores nothing.
/// </remarks>
public sealed class GrainTicketStore : ITicketStore
{
    /// <summary>The ticket's lifetime when it has no expiry: cookie authentication's default <c>ExpireTimeSpan</c>.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(14);

    /// <summary>The session key the serialized ticket is stored under.</summary>
    public const string TicketKey = "SessionGrains.AuthenticationTicket";

    private readonly SessionGrainClient _client;
    private readonly UserBindingRules _users;
    private readonly TimeProvider _clock;

    internal GrainTicketStore(SessionGrainClient client, UserBindingRules users, TimeProvider clock)
    {
        _client = client;
        _users = users;
        _clock = clock;
    }

    /// <inheritdoc />
    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, null!, default);

    /// <inheritdoc />
    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = SessionIdGenerator.NewId();
        var created = await _client.CreateAsync(key, new SessionTimeouts(LifetimeOf(ticket)), ChangesFor(ticket));
        if (created.Status != SessionWriteStatus.Succeeded)
        {
            throw new InvalidOperationException($"The ticket's session could not be created ({created.Status}).");
        }

        if (UserIdOf(ticket.Principal) is { } userId)
        {
            try
            {
                _users.BindingOf(await _client.BindUserAsync(key, userId, _users.DeviceOf(httpContext), _users.Limit));
            }
            catch (UserSessionLimitReachedException)
            {
                await _client.DestroyAsync(key);
                throw;
            }
        }

        return key;
    }

    /// <inheritdoc />
    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, null!, default);

    /// <inheritdoc />
    public async Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ticket);
        await _client.ApplyAsync(key, ChangesFor(ticket)); // a session that ended answers NotFound and stays ended
    }

    /// <inheritdoc />
    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null!, default);

    /// <inheritdoc />
    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var snapshot = await _client.LoadAsync(key);
        if (snapshot is null || !snapshot.Data.TryGetValue(TicketKey, out var bytes)
            || TicketSerializer.Default.Deserialize(bytes) is not { } ticket)
        {
            return null;
        }

        if (ticket.Properties.ExpiresUtc is { } expires && expires <= _clock.GetUtcNow())
        {
            await _client.DestroyAsync(key); // never valid again: end it now rather than at its idle expiry
            return null;
        }

        return ticket;
    }

    /// <inheritdoc />
    public Task RemoveAsync(string key) => RemoveAsync(key, null!, default);

    /// <inheritdoc />
    public Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _client.DestroyAsync(key);
    }

    private static SessionChangeSet ChangesFor(AuthenticationTicket ticket)
        => new() { Sets = new(StringComparer.Ordinal) { [TicketKey] = TicketSerializer.Default.Serialize(ticket) } };

    private TimeSpan LifetimeOf(AuthenticationTicket ticket)
        => ticket.Properties.ExpiresUtc - (ticket.Properties.IssuedUtc ?? _clock.GetUtcNow()) is { Ticks: > 0 } lifetime
            ? lifetime
            : DefaultLifetime;

    private static string? UserIdOf(ClaimsPrincipal principal)
        => (principal.FindFirst(ClaimTypes.NameIdentifier) ?? principal.FindFirst("sub"))?.Value is { Length: > 0 } id ? id : null;
}
