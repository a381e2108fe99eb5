using System.Diagnostics;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The front end's spans, on the activity source <see cref="SourceName"/>: a request's session load and its commit, as
/// children of ASP.NET Core's request span. With Orleans' <c>AddActivityPropagation()</c> the grain calls join the trace.
/// </summary>
internal sealed class SessionFrontEndActivities : IDisposable
{
    /// <summary>The activity source's name, to export it (e.g. OpenTelemetry's <c>AddSource</c>).</summary>
    public const string SourceName = "SessionGrains.AspNetCore";

    private readonly ActivitySource _source = new(SourceName);

    /// <summary>Starts the span of a session load; null when nobody listens.</summary>
    public Activity? StartLoad() => _source.StartActivity("sessiongrains.session.load");

    /// <summary>Starts the span of a session commit at the end of a request; null when nobody listens.</summary>
    public Activity? StartCommit() => _source.StartActivity("sessiongrains.session.commit");

    public void Dispose() => _source.Dispose();
}
