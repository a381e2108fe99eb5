namespace SessionGrains.DeployTests;

/// <summary>
/// (a) kubectl kustomize renders each overlay, and what it renders (and the overlay's Secret template) passes a
/// client-side schema check against the Kubernetes API types (<see cref="KubernetesSchema"/>).
/// </summary>
public sealed class ManifestSchemaTests
{
    private readonly RepositoryRoot _root = RepositoryRoot.Find();

    public static TheoryData<string> Overlays() => new(KubernetesManifests.Overlays(RepositoryRoot.Find()));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_overlay_renders_and_every_object_passes_the_schema_check(string overlay)
    {
        var manifests = KubernetesManifests.Load(_root, overlay);
        string[] kinds = ["ConfigMap", "ServiceAccount", "Role", "RoleBinding", "Deployment", "PodDisruptionBudget", "Service"];
        Assert.True(kinds.All(k => manifests.OfKind(k).Any()), $"overlay {overlay} renders {string.Join(", ", manifests.Objects.Select(o => o.Kind))}");
        var problems = KubernetesSchema.Problems(manifests.Rendered)
            .Concat(KubernetesSchema.Problems(_root.Read($"{KubernetesManifests.Folder}/{KubernetesManifests.OverlaysFolder}/{overlay}/{KubernetesManifests.SecretTemplateFileName}")));
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("        - containerPort: 11111", "        - containerPorts: 11111", "Deployment/sessiongrains-silo", "containerPorts")]
    [InlineData("  replicas: 3", "  replicas: three", "Deployment/sessiongrains-silo", "three")]
    [InlineData("              key: session-secret", "              keys: session-secret", "Deployment/sessiongrains-web", "keys")]
    [InlineData("kind: PodDisruptionBudget", "kind: PodDisruptionBudgets", "PodDisruptionBudgets/sessiongrains-silo", "no Kubernetes API type")]
    [InlineData("apiVersion: policy/v1\n", "apiVersion: policy/v1beta1\n", "PodDisruptionBudget/sessiongrains-silo", "no Kubernetes API type")]
    public void The_schema_check_reports_an_unknown_field_a_wrong_type_and_an_API_Kubernetes_does_not_serve(string line, string broken, string label, string expected)
    {
        var rendered = KubernetesManifests.Load(_root, "redis").Rendered;
        Assert.Contains(line, rendered);
        Assert.Empty(KubernetesSchema.Problems(rendered));

        var problem = Assert.Single(KubernetesSchema.Problems(rendered.Replace(line, broken, StringComparison.Ordinal)));

        Assert.StartsWith(label + ":", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
