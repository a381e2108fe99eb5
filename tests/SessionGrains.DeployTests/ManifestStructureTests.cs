using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>(a) The manifests parse, name their objects, fix no namespace, and every one is applied through an overlay.</summary>
public sealed class ManifestStructureTests
{
    private readonly RepositoryRoot _root = RepositoryRoot.Find();

    public static TheoryData<string> ManifestFiles() => new(KubernetesManifests.FilesUnder(RepositoryRoot.Find()));

    [Fact]
    public void There_are_manifests_and_overlays()
    {
        Assert.NotEmpty(KubernetesManifests.FilesUnder(_root));
        Assert.NotEmpty(KubernetesManifests.Overlays(_root));
    }

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
                Assert.True(document.Get("namespace") is null, $"{file} fixes a namespace");
                continue;
            }

            Assert.False(string.IsNullOrEmpty(document.Text("metadata", "name")), $"{file}: a {kind} without metadata.name");
            Assert.True(document.Get("metadata", "namespace") is null, $"{file}: {kind}/{document.Text("metadata", "name")} fixes metadata.namespace");
        }
    }

    [Fact]
    public void Every_manifest_is_a_resource_or_patch_of_a_kustomization_and_none_applies_a_Secret_template()
    {
        var files = KubernetesManifests.FilesUnder(_root);
        var kustomizations = files.Where(f => Path.GetFileName(f) == "kustomization.yaml").ToList();
        var secretTemplates = files.Where(f => KubernetesManifests.Parse(_root, f).Any(d => d.Text("kind") == "Secret")).ToHashSet();
        Assert.Equal(KubernetesManifests.Overlays(_root).Select(o => $"{KubernetesManifests.OverlaysFolder}/{o}/{KubernetesManifests.SecretTemplateFileName}").Order(), secretTemplates.Order());
        var k8s = _root.PathOf(KubernetesManifests.Folder);
        var used = new HashSet<string>();
        foreach (var kustomization in kustomizations)
        {
            var document = KubernetesManifests.Parse(_root, kustomization).Single();
            var folder = Path.GetDirectoryName(kustomization) ?? "";
            var entries = document.Items("resources").OfType<YamlScalarNode>().Select(r => r.Value ?? "")
                .Concat(document.Items("patches").Select(p => p.Text("path")).OfType<string>());
            foreach (var entry in entries)
            {
                var full = Path.GetFullPath(Path.Combine(k8s, folder, entry));
                var path = Path.GetRelativePath(k8s, full).Replace(Path.DirectorySeparatorChar, '/');
                Assert.True(File.Exists(full) || File.Exists(Path.Combine(full, "kustomization.yaml")), $"{kustomization}: {entry} is neither a file nor a kustomization");
                Assert.False(secretTemplates.Contains(path), $"{kustomization} applies {entry}, a Secret template: it would overwrite the real Secret");
                used.Add(path);
            }
        }

        foreach (var file in files.Except(kustomizations).Except(secretTemplates))
        {
            Assert.True(used.Contains(file), $"no kustomization under {KubernetesManifests.Folder} lists {file}");
        }
    }
}
