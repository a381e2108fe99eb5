using SessionGrains.AspNetCore;

namespace Microsoft.AspNetCore.Http;

/// <summary>Access to the richer session API.</summary>
public static class GrainSessionHttpContextExtensions
{
    /// <summary>The request's <see cref="GrainSession"/>: regenerate, destroy, reload, save, touch, typed values, atomic increments.</summary>
    /// <exception cref="InvalidOperationException">UseGrainSessions is not in the pipeline, or the request is outside the cookie path.</exception>
    public static GrainSession GetGrainSession(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<GrainSessionFeature>()?.GrainSession
            ?? throw new InvalidOperationException("No grain session for this request: call app.UseGrainSessions() before this endpoint, and check Session:Cookie:Path.");
    }
}
