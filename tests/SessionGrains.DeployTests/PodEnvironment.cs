using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>
/// The process environment a Deployment's container would get, with stand-ins for what only a cluster knows: Secret
/// keys take the values of the overlay's Secret template (secret.example.yaml), downward-API fields the values below.
/// </summary>
public static class PodEnvironment
{
    /// <summary>The stand-in for status.podIP.</summary>
    public const string PodIP = "10.1.2.3";

    /// <summary>The stand-in for metadata.namespace.</summary>
    public const string Namespace = "default";

    /// <summary>The main container's variables, name to value; throws, naming the variable, when a reference cannot be resolved from the manifests.</summary>
    public static IReadOnlyDictionary<string, string> Of(DeploymentManifest deployment, KubernetesManifests manifests) =>
        Of(deployment, deployment.Container, manifests);

    /// <summary>The variables of one of the pod's containers (an init container's too).</summary>
    public static IReadOnlyDictionary<string, string> Of(DeploymentManifest deployment, YamlNode container, KubernetesManifests manifests) =>
        deployment.EnvironmentOf(container).ToDictionary(e => e.Name, e => ValueOf(e, deployment, manifests));

    private static string ValueOf(EnvironmentEntry entry, DeploymentManifest deployment, KubernetesManifests manifests) => entry.Source switch
    {
        EnvironmentSourceKind.Literal or EnvironmentSourceKind.ConfigMap when entry.Value is not null => entry.Value,
        EnvironmentSourceKind.Secret => manifests.SecretTemplate(entry.Reference)?.GetValueOrDefault(entry.Key ?? "")
            ?? throw new InvalidOperationException($"{deployment.Name}: {entry}: the Secret template has no such key"),
        EnvironmentSourceKind.Field => FieldValue(entry.Reference ?? "", deployment)
            ?? throw new InvalidOperationException($"{deployment.Name}: {entry}: no stand-in for that field"),
        _ => throw new InvalidOperationException($"{deployment.Name}: {entry}: cannot be resolved from the manifests"),
    };

    private static string? FieldValue(string path, DeploymentManifest deployment)
    {
        const string labels = "metadata.labels['";
        return path switch
        {
            "metadata.name" => $"{deployment.Name}-0",
            "metadata.namespace" => Namespace,
            "status.podIP" => PodIP,
            _ when path.StartsWith(labels, StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal)
                => deployment.PodLabels.GetValueOrDefault(path[labels.Length..^2]),
            _ => null,
        };
    }
}
