namespace SessionGrains.DeployTests;

/// <summary>
/// One environment variable of a container: its literal value (literals and ConfigMap values) and where it comes from
/// (<see cref="Reference"/>: the ConfigMap's or Secret's name, or the field path; <see cref="Key"/>: the Secret's key).
/// </summary>
public sealed record EnvironmentEntry(string Name, string? Value, EnvironmentSourceKind Source, string? Reference = null, string? Key = null)
{
    /// <summary>For messages.</summary>
    public override string ToString() => Source switch
    {
        EnvironmentSourceKind.Literal => $"{Name}={Value}",
        EnvironmentSourceKind.Secret => $"{Name} <- Secret {Reference}/{Key}",
        _ => $"{Name} <- {Source} {Reference}",
    };
}
