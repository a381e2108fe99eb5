using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SessionGrains.Silo;

/// <summary>
/// HTTP Basic authentication for the dashboard with the one account of <see cref="SiloDashboardOptions"/>, compared in
/// constant time. Browsers ask for the credentials once and send them with the dashboard's own API calls.
/// </summary>
internal sealed class DashboardAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<SiloDashboardOptions> dashboard) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "SiloDashboard";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var expected = $"{dashboard.Value.UserName}:{dashboard.Value.Password}";
        if (!Matches(header["Basic ".Length..].Trim(), expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("Wrong dashboard credentials."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, dashboard.Value.UserName)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans Dashboard\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    /// <summary>Hashes both sides first, so the comparison takes the same time whatever the lengths.</summary>
    private static bool Matches(string presented, string expected)
    {
        Span<byte> decoded = stackalloc byte[256];
        var length = Convert.TryFromBase64String(presented, decoded, out var written) ? written : -1;
        var presentedHash = SHA256.HashData(length < 0 ? [] : decoded[..length]);
        var expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash) && length >= 0;
    }
}
