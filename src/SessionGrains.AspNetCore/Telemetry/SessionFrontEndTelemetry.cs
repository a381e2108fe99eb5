namespace SessionGrains.AspNetCore;

/// <summary>The names under which the front end publishes its telemetry, to export them (e.g. OpenTelemetry's <c>AddMeter</c>, <c>AddSource</c>).</summary>
public static class SessionFrontEndTelemetry
{
    /// <summary>The meter of the front end's instruments: grain calls, retries, failed requests, rejected cookies, read-lease lookups.</summary>
    public const string MeterName = "SessionGrains.AspNetCore";

    /// <summary>The activity source of the front end's spans: a request's session load and its commit.</summary>
    public const string ActivitySourceName = "SessionGrains.AspNetCore";
}
