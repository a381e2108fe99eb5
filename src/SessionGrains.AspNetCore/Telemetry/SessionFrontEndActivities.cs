using System.Diagnostics;

namespace SessionGrains.AspNetCore;

// The front end's spans, children of ASP.NET Core's request span; with Orleans' AddActivityPropagation() the grain calls join the trace.
internal sealed class SessionFrontEndActivities : IDisposable
{
    private readonly ActivitySource _source = new(SessionFrontEndTelemetry.ActivitySourceName);

    /// <summary>Starts the span of a session load; null when nobody listens.</summary>
    public Activity? StartLoad() => _source.StartActivity("sessiongrains.session.load");

    /// <summary>Starts the span of a session commit at the end of a request; null when nobody listens.</summary>
    public Activity? StartCommit() => _source.StartActivity("sessiongrains.session.commit");

    public void Dispose() => _source.Dispose();
}
