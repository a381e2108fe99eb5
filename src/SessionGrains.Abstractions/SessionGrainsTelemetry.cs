namespace SessionGrains;

/// <summary>
/// The names under which SessionGrains publishes its telemetry, for exporters (OpenTelemetry's <c>AddMeter</c> and
/// <c>AddSource</c>): the front end's and the silo's meters, and the front end's activity source.
/// </summary>
public static class SessionGrainsTelemetry
{
    /// <summary>The front end's meter: grain calls, retries, failed requests, rejected cookies, read-lease lookups.</summary>
    public const string FrontEndMeterName = "SessionGrains.AspNetCore";

    /// <summary>The front end's activity source: a request's session load and its commit.</summary>
    public const string FrontEndActivitySourceName = "SessionGrains.AspNetCore";

    /// <summary>The silo's meter: sessions created, ended and active, expiry checks.</summary>
    public const string SiloMeterName = "SessionGrains.Server";
}
