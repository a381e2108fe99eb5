using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>One Kubernetes object (one YAML document) of a manifest file.</summary>
public sealed record ManifestObject(string File, YamlMappingNode Root)
{
    /// <summary>The object's kind.</summary>
    public string? Kind => Root.Text("kind");

    /// <summary>The object's metadata.name.</summary>
    public string? Name => Root.Text("metadata", "name");

    /// <summary>For messages: file, kind and name.</summary>
    public override string ToString() => $"{File}: {Kind}/{Name}";
}
