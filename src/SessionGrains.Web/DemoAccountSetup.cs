using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace SessionGrains.Web;

/// <summary>
/// The demo's cookie authentication (tickets in session grains) and antiforgery, both protected by Data Protection
/// with its key ring in the cluster, so that every front end reads the cookies and tokens of the others.
/// </summary>
public static class DemoAccountSetup
{
    /// <summary>The Data Protection application name all the demo's front ends share.</summary>
    public const string ApplicationName = "SessionGrains.Web";

    /// <summary>The cookie authentication cookie: only the key of the ticket's grain, encrypted.</summary>
    public const string AuthenticationCookieName = "demo.auth";

    /// <summary>The antiforgery cookie (the form's hidden field is the default __RequestVerificationToken).</summary>
    public const string AntiforgeryCookieName = "demo.antiforgery";

    /// <summary>Registers Data Protection on the cluster's key ring, cookie authentication with AddGrainTicketStore, and antiforgery.</summary>
    public static IServiceCollection AddDemoAccounts(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToSessionGrains();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options => options.Cookie.Name = AuthenticationCookieName)
            .AddGrainTicketStore();
        services.AddAntiforgery(options => options.Cookie.Name = AntiforgeryCookieName);
        return services;
    }
}
