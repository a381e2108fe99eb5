using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>A Deployment of the manifests and its (single) container: labels, environment, ports, probes.</summary>
public sealed class DeploymentManifest(ManifestObject deployment, KubernetesManifests manifests)
{
    /// <summary>The Deployment's name.</summary>
    public string Name => deployment.Name ?? "";

    /// <summary>The Deployment's object.</summary>
    public ManifestObject Object => deployment;

    /// <summary>spec.template.spec.</summary>
    public YamlNode PodSpec => deployment.Root.Get("spec", "template", "spec") ?? new YamlMappingNode();

    /// <summary>spec.template.metadata.labels.</summary>
    public IReadOnlyDictionary<string, string> PodLabels => deployment.Root.Strings("spec", "template", "metadata", "labels");

    /// <summary>spec.selector.matchLabels.</summary>
    public IReadOnlyDictionary<string, string> SelectorLabels => deployment.Root.Strings("spec", "selector", "matchLabels");

    /// <summary>The pod's containers.</summary>
    public IReadOnlyList<YamlNode> Containers => PodSpec.Items("containers").ToList();

    /// <summary>The pod's init containers (none if absent).</summary>
    public IReadOnlyList<YamlNode> InitContainers => PodSpec.Items("initContainers").ToList();

    /// <summary>The one container (Containers must hold exactly one).</summary>
    public YamlNode Container => Containers.Single();

    /// <summary>The container's image.</summary>
    public string? Image => Container.Text("image");

    /// <summary>The containerPorts by name (null for a value that is no integer).</summary>
    public IReadOnlyDictionary<string, int?> Ports =>
        Container.Items("ports").ToDictionary(p => p.Text("name") ?? "", p => p.Int("containerPort"));

    /// <summary>A port given by name (a containerPort's) or number, as a number.</summary>
    public int? PortNumber(YamlNode? port) =>
        port is YamlScalarNode { Value: { } text } ? int.TryParse(text, out var n) ? n : Ports.GetValueOrDefault(text) : null;

    /// <summary>The container's environment (see <see cref="EnvironmentOf"/>).</summary>
    public IReadOnlyList<EnvironmentEntry> Environment => EnvironmentOf(Container);

    /// <summary>A container's environment: envFrom ConfigMaps first, env entries overriding them, as Kubernetes does.</summary>
    public IReadOnlyList<EnvironmentEntry> EnvironmentOf(YamlNode container)
    {
        var env = new Dictionary<string, EnvironmentEntry>(StringComparer.Ordinal);
        foreach (var from in container.Items("envFrom"))
        {
            var name = from.Text("configMapRef", "name");
            foreach (var (key, value) in manifests.ConfigMapData(name) ?? new Dictionary<string, string>())
            {
                env[key] = new EnvironmentEntry(key, value, EnvironmentSourceKind.ConfigMap, name);
            }
        }

        foreach (var entry in container.Items("env"))
        {
            var name = entry.Text("name") ?? "";
            env[name] = Entry(name, entry);
        }

        return env.Values.ToList();
    }

    /// <summary>The environment entry of this name, or null.</summary>
    public EnvironmentEntry? Env(string name) => Environment.FirstOrDefault(e => e.Name == name);

    /// <summary>The environment entry that sets a configuration key (e.g. "Cluster", "SiloPort"), or null.</summary>
    public EnvironmentEntry? Env(string property, string section) => Env($"{section}__{property}");

    private EnvironmentEntry Entry(string name, YamlNode entry)
    {
        if (entry.Get("value") is YamlScalarNode literal)
        {
            return new EnvironmentEntry(name, literal.Value ?? "", EnvironmentSourceKind.Literal);
        }

        if (entry.Get("valueFrom", "secretKeyRef") is { } secret)
        {
            return new EnvironmentEntry(name, null, EnvironmentSourceKind.Secret, secret.Text("name"), secret.Text("key"));
        }

        if (entry.Get("valueFrom", "fieldRef") is { } field)
        {
            return new EnvironmentEntry(name, null, EnvironmentSourceKind.Field, field.Text("fieldPath"));
        }

        if (entry.Get("valueFrom", "configMapKeyRef") is { } configMap)
        {
            var map = configMap.Text("name");
            return new EnvironmentEntry(name, manifests.ConfigMapData(map)?.GetValueOrDefault(configMap.Text("key") ?? ""), EnvironmentSourceKind.ConfigMap, map);
        }

        return new EnvironmentEntry(name, null, EnvironmentSourceKind.Other);
    }
}
