using System.Reflection;
using Orleans.Hosting.Kubernetes;

namespace SessionGrains.DeployTests;

/// <summary>
/// Orleans' Kubernetes hosting reads the pod's namespace, name and IP from the process environment into internal
/// properties of <see cref="KubernetesHostingOptions"/>. To bind a container's environment without changing the test
/// process's own, this post-configures those properties from the container's variables.
/// </summary>
public sealed class KubernetesHostingEnvironment(IReadOnlyDictionary<string, string> environment) : Microsoft.Extensions.Options.IPostConfigureOptions<KubernetesHostingOptions>
{
    /// <inheritdoc />
    public void PostConfigure(string? name, KubernetesHostingOptions options)
    {
        Set(options, "Namespace", KubernetesHostingOptions.PodNamespaceEnvironmentVariable);
        Set(options, "PodName", KubernetesHostingOptions.PodNameEnvironmentVariable);
        Set(options, "PodIP", KubernetesHostingOptions.PodIPEnvironmentVariable);
    }

    private void Set(KubernetesHostingOptions options, string property, string variable)
    {
        if (environment.TryGetValue(variable, out var value))
        {
            var info = typeof(KubernetesHostingOptions).GetProperty(property, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                ?? throw new MissingMemberException(nameof(KubernetesHostingOptions), property);
            info.SetValue(options, value);
        }
    }
}
