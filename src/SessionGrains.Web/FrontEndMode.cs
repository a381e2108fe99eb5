namespace SessionGrains.Web;

/// <summary>How the demo reaches the session grains (configuration key Cluster:Mode).</summary>
public enum FrontEndMode
{
    /// <summary>A silo runs in this process.</summary>
    CoHosted,

    /// <summary>This process is a client of a separate silo cluster.</summary>
    Client,
}
