using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>
/// One overlay of deploy/k8s as <c>kubectl kustomize</c> renders it (the objects <c>kubectl apply -k</c> would send),
/// with the overlay's Secret template beside them; and the YAML files under deploy/k8s, parsed with YamlDotNet.
/// </summary>
public sealed class KubernetesManifests
{
    /// <summary>The manifests' folder, relative to the repository root.</summary>
    public const string Folder = "deploy/k8s";

    /// <summary>The overlays' folder, relative to <see cref="Folder"/>: one folder per store.</summary>
    public const string OverlaysFolder = "overlays";

    /// <summary>The file name of an overlay's Secret template (not applied: the real Secret is created beforehand).</summary>
    public const string SecretTemplateFileName = "secret.example.yaml";

    private KubernetesManifests(string overlay, string rendered, IReadOnlyList<ManifestObject> objects)
    {
        Overlay = overlay;
        Rendered = rendered;
        Objects = objects;
    }

    /// <summary>The overlay's folder name.</summary>
    public string Overlay { get; }

    /// <summary>kubectl kustomize's output.</summary>
    public string Rendered { get; }

    /// <summary>The rendered objects, then the Secret template's.</summary>
    public IReadOnlyList<ManifestObject> Objects { get; }

    /// <summary>The overlays: the folders under <see cref="OverlaysFolder"/> that hold a kustomization.</summary>
    public static IReadOnlyList<string> Overlays(RepositoryRoot root) =>
        Directory.EnumerateDirectories(root.PathOf($"{Folder}/{OverlaysFolder}"))
            .Where(d => File.Exists(Path.Combine(d, "kustomization.yaml")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The YAML files under <see cref="Folder"/>, relative to it.</summary>
    public static IReadOnlyList<string> FilesUnder(RepositoryRoot root)
    {
        var folder = root.PathOf(Folder);
        return Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The documents of one file under <see cref="Folder"/>; throws (naming the file) when it does not parse.</summary>
    public static IReadOnlyList<YamlNode> Parse(RepositoryRoot root, string file) => ParseText(root.Read($"{Folder}/{file}"), $"{Folder}/{file}");

    /// <summary>Renders <paramref name="overlay"/> with kubectl and reads its Secret template.</summary>
    public static KubernetesManifests Load(RepositoryRoot root, string overlay)
    {
        var folder = $"{OverlaysFolder}/{overlay}";
        var rendered = Kustomize.Render(root, $"{Folder}/{folder}");
        var objects = ParseText(rendered, $"kubectl kustomize {Folder}/{folder}").OfType<YamlMappingNode>()
            .Select(n => new ManifestObject($"{folder} (rendered)", n))
            .ToList();
        var template = $"{folder}/{SecretTemplateFileName}";
        if (File.Exists(root.PathOf($"{Folder}/{template}")))
        {
            objects.AddRange(Parse(root, template).OfType<YamlMappingNode>().Select(n => new ManifestObject(template, n)));
        }

        return new KubernetesManifests(overlay, rendered, objects);
    }

    /// <summary>The objects of one kind.</summary>
    public IEnumerable<ManifestObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    /// <summary>The object of this kind and name, or null.</summary>
    public ManifestObject? Find(string kind, string? name) => OfKind(kind).FirstOrDefault(o => o.Name == name);

    /// <summary>The Deployments.</summary>
    public IReadOnlyList<DeploymentManifest> Deployments => OfKind("Deployment").Select(d => new DeploymentManifest(d, this)).ToList();

    /// <summary>The Deployment of this name; fails when there is none.</summary>
    public DeploymentManifest Deployment(string name) =>
        Deployments.SingleOrDefault(d => d.Name == name) ?? throw new InvalidOperationException($"No Deployment {name} in overlay {Overlay}.");

    /// <summary>The data of a ConfigMap, or null when no ConfigMap has that name.</summary>
    public IReadOnlyDictionary<string, string>? ConfigMapData(string? name) => Find("ConfigMap", name)?.Root.Strings("data");

    /// <summary>The keys and values of a Secret template (stringData and data), or null when there is none of that name.</summary>
    public IReadOnlyDictionary<string, string>? SecretTemplate(string? name) =>
        Find("Secret", name) is { } secret
            ? secret.Root.Strings("stringData").Concat(secret.Root.Strings("data")).ToDictionary(e => e.Key, e => e.Value)
            : null;

    private static IReadOnlyList<YamlNode> ParseText(string text, string origin)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{origin} does not parse: {e.Message}", e);
        }

        return stream.Documents.Select(d => d.RootNode).Where(n => n is not YamlScalarNode { Value: null or "" }).ToList();
    }
}
