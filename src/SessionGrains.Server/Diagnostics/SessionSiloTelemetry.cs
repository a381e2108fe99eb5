namespace SessionGrains.Server;

/// <summary>The names of the silo's telemetry, to export it (e.g. OpenTelemetry's <c>AddMeter</c>).</summary>
public static class SessionSiloTelemetry
{
    /// <summary>The meter of the silo's instruments: sessions created, ended and active, expiry checks.</summary>
    public const string MeterName = "SessionGrains.Server";
}
