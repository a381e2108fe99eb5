using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace SessionGrains.Silo;

/// <summary>The Orleans Dashboard on the silo host, when <see cref="SiloDashboardOptions.Enabled"/>: its services, and its pages behind Basic authentication.</summary>
public static class SiloDashboardSetup
{
    /// <summary>The authorization policy the dashboard's endpoints require.</summary>
    public const string PolicyName = "SiloDashboard";

    /// <summary>Binds and validates the options; when enabled, adds the dashboard to <paramref name="silo"/> and its authentication.</summary>
    public static ISiloBuilder AddSiloDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        var section = configuration.GetSection(SiloDashboardOptions.SectionName);
        silo.Services.AddOptions<SiloDashboardOptions>().Bind(section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<SiloDashboardOptions>, SiloDashboardOptionsValidator>();
        if (!section.GetValue<bool>(nameof(SiloDashboardOptions.Enabled)))
        {
            return silo;
        }

        silo.AddDashboard();
        silo.Services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, DashboardAuthenticationHandler>(
            DashboardAuthenticationHandler.SchemeName, configureOptions: null);
        silo.Services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy
            .AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        return silo;
    }

    /// <summary>Maps the dashboard under <see cref="SiloDashboardOptions.Path"/> when enabled.</summary>
    public static WebApplication MapSiloDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SiloDashboardOptions>>().Value;
        if (options.Enabled)
        {
            app.MapOrleansDashboard(options.Path).RequireAuthorization(PolicyName);
        }

        return app;
    }
}
