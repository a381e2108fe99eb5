using System.Diagnostics;

namespace SessionGrains.AspNetCore;

// The front end's spans, children of ASP.NET Core's request span; with Orleans' AddActivityPropagation() the grain calls join the trace.
internal sealed class SessionFrontEndActivities : IDisposable
{
    private readonly ActivitySource _source = new(SessionGrainsTelemetry.FrontEndActivitySourceName);

    public Activity? StartLoad() => _source.StartActivity("sessiongrains.session.load");

    public Activity? StartCommit() => _source.StartActivity("sessiongrains.session.commit");

    public void Dispose() => _source.Dispose();
}
