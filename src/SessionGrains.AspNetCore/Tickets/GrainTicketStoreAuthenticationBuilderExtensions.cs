using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionGrains.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="GrainTicketStore"/> as a cookie scheme's <see cref="CookieAuthenticationOptions.SessionStore"/>.</summary>
public static class GrainTicketStoreAuthenticationBuilderExtensions
{
    /// <summary>
    /// Keeps the tickets of the cookie scheme <paramref name="authenticationScheme"/> (for ASP.NET Core Identity,
    /// <c>IdentityConstants.ApplicationScheme</c>) in session grains. Needs the session services (<c>AddGrainSessions</c>),
    /// whose options bind tickets to users and limit their number.
    /// </summary>
    public static AuthenticationBuilder AddGrainTicketStore(
        this AuthenticationBuilder builder, string authenticationScheme = CookieAuthenticationDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(authenticationScheme);
        builder.Services.TryAddSingleton(services => new GrainTicketStore(
            services.GetService<SessionGrainClient>()
                ?? throw new InvalidOperationException("AddGrainTicketStore needs the session services: call AddGrainSessions."),
            services.GetRequiredService<UserBindingRules>(),
            services.GetRequiredService<TimeProvider>()));
        // Resolved when the options are built, not when their factory is: a bad session setting then fails as an options error.
        builder.Services.AddOptions<CookieAuthenticationOptions>(authenticationScheme)
            .Configure<IServiceProvider>((options, services) => options.SessionStore = services.GetRequiredService<GrainTicketStore>());
        return builder;
    }
}
