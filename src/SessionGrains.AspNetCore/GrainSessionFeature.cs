using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The request feature behind <c>HttpContext.Session</c>. <see cref="Session"/> may be replaced or cleared by the app
/// (express-session's unset); <see cref="GrainSession"/> stays the request's grain session.
/// </summary>
public sealed class GrainSessionFeature : ISessionFeature
{
    /// <summary>Creates the feature of <paramref name="session"/>.</summary>
    public GrainSessionFeature(GrainSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Session = session;
        GrainSession = session;
    }

    /// <inheritdoc />
    public ISession Session { get; set; }

    /// <summary>The request's grain session.</summary>
    public GrainSession GrainSession { get; }
}
