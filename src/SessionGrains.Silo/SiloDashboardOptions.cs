namespace SessionGrains.Silo;

/// <summary>
/// The Orleans Dashboard on the silo host (configuration section <see cref="SectionName"/>): off by default. It has no
/// authentication of its own, so it is served behind HTTP Basic authentication with these credentials; serve it on
/// loopback or behind TLS. Turn it on for every silo of a cluster: its grains may be placed on any of them.
/// </summary>
public sealed class SiloDashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>Serve the dashboard.</summary>
    public bool Enabled { get; set; }

    /// <summary>The path it is served under.</summary>
    public string Path { get; set; } = "/dashboard";

    /// <summary>The user name to sign in with.</summary>
    public string UserName { get; set; } = "admin";

    /// <summary>The password to sign in with: required when enabled, at least 16 characters.</summary>
    public string? Password { get; set; }
}
