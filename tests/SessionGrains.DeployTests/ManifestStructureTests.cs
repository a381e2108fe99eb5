using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>(a) The manifests parse, name their objects, fix no namespace, and the kustomization applies them.</summary>
public sealed class ManifestStructureTests
{
    private readonly RepositoryRoot _root = RepositoryRoot.Find();

    public static TheoryData<string> ManifestFiles() => new(KubernetesManifests.FilesUnder(RepositoryRoot.Find()));

    [Fact]
    public void There_are_manifests() => Assert.NotEmpty(KubernetesManifests.FilesUnder(_root));

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Each_object_has_apiVersion_kind_and_name_and_no_fixed_namespace(string file)
    {
        var documents = KubernetesManifests.Parse(_root, file);
        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            Assert.True(document is YamlMappingNode, $"{file}: a document that is no mapping");
            var kind = document.Text("kind");
            Assert.False(string.IsNullOrEmpty(document.Text("apiVersion")), $"{file}: an object without apiVersion");
            Assert.False(string.IsNullOrEmpty(kind), $"{file}: an object without kind");
            if (kind == "Kustomization")
            {
                continue;
            }

            Assert.False(string.IsNullOrEmpty(document.Text("metadata", "name")), $"{file}: a {kind} without metadata.name");
            Assert.True(document.Get("metadata", "namespace") is null, $"{file}: {kind}/{document.Text("metadata", "name")} fixes metadata.namespace");
        }
    }

    [Fact]
    public void The_kustomization_applies_every_manifest_except_the_Secret_template()
    {
        var manifests = KubernetesManifests.Load(_root);
        var kustomization = Assert.Single(manifests.OfKind("Kustomization"));
        var resources = kustomization.Root.Items("resources").OfType<YamlScalarNode>().Select(r => r.Value ?? "").ToList();
        var secretTemplates = manifests.OfKind("Secret").Select(s => s.File).ToHashSet();
        Assert.NotEmpty(secretTemplates);
        foreach (var resource in resources)
        {
            Assert.True(File.Exists(_root.PathOf($"{KubernetesManifests.Folder}/{resource}")), $"{kustomization.File}: resource {resource} does not exist");
            Assert.False(secretTemplates.Contains(resource), $"{kustomization.File} applies {resource}, a Secret template: it would overwrite the real Secret");
        }

        foreach (var file in manifests.Files.Where(f => f != kustomization.File && !secretTemplates.Contains(f)))
        {
            Assert.True(resources.Contains(file), $"{kustomization.File} does not list {file}");
        }
    }
}
