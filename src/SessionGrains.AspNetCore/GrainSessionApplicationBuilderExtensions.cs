using SessionGrains.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds SessionGrains' session middleware to the pipeline.</summary>
public static class GrainSessionApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the session middleware: <c>HttpContext.Session</c> and <c>HttpContext.GetGrainSession()</c> work after it.
    /// Place it after UseForwardedHeaders (for Secure cookies behind a proxy) and before the endpoints that use sessions.
    /// </summary>
    public static IApplicationBuilder UseGrainSessions(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<GrainSessionMiddleware>();
    }
}
