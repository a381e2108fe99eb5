using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>Every object of every YAML file under deploy/k8s, parsed with YamlDotNet.</summary>
public sealed class KubernetesManifests
{
    /// <summary>The manifests' folder, relative to the repository root.</summary>
    public const string Folder = "deploy/k8s";

    private KubernetesManifests(IReadOnlyList<string> files, IReadOnlyList<ManifestObject> objects)
    {
        Files = files;
        Objects = objects;
    }

    /// <summary>The YAML files, relative to <see cref="Folder"/>.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Every object (YAML document) of every file.</summary>
    public IReadOnlyList<ManifestObject> Objects { get; }

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

    /// <summary>The documents of one file; throws (naming the file) when it does not parse.</summary>
    public static IReadOnlyList<YamlNode> Parse(RepositoryRoot root, string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(root.Read($"{Folder}/{file}"));
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{Folder}/{file} does not parse: {e.Message}", e);
        }

        return stream.Documents.Select(d => d.RootNode).Where(n => n is not YamlScalarNode { Value: null or "" }).ToList();
    }

    /// <summary>Loads every file under <see cref="Folder"/>.</summary>
    public static KubernetesManifests Load(RepositoryRoot root)
    {
        var files = FilesUnder(root);
        var objects = files.SelectMany(f => Parse(root, f).OfType<YamlMappingNode>().Select(n => new ManifestObject(f, n))).ToList();
        return new KubernetesManifests(files, objects);
    }

    /// <summary>The objects of one kind.</summary>
    public IEnumerable<ManifestObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    /// <summary>The object of this kind and name, or null.</summary>
    public ManifestObject? Find(string kind, string? name) => OfKind(kind).FirstOrDefault(o => o.Name == name);

    /// <summary>The Deployments.</summary>
    public IReadOnlyList<DeploymentManifest> Deployments => OfKind("Deployment").Select(d => new DeploymentManifest(d, this)).ToList();

    /// <summary>The Deployment of this name; fails when there is none.</summary>
    public DeploymentManifest Deployment(string name) =>
        Deployments.SingleOrDefault(d => d.Name == name) ?? throw new InvalidOperationException($"No Deployment {name} in {Folder}.");

    /// <summary>The data of a ConfigMap, or null when no ConfigMap has that name.</summary>
    public IReadOnlyDictionary<string, string>? ConfigMapData(string? name) => Find("ConfigMap", name)?.Root.Strings("data");

    /// <summary>The keys and values of a Secret template (stringData and data), or null when there is none of that name.</summary>
    public IReadOnlyDictionary<string, string>? SecretTemplate(string? name) =>
        Find("Secret", name) is { } secret
            ? secret.Root.Strings("stringData").Concat(secret.Root.Strings("data")).ToDictionary(e => e.Key, e => e.Value)
            : null;
}
