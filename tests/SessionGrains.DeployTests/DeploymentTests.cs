using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace SessionGrains.DeployTests;

/// <summary>(b) Each Deployment agrees with what its app does: ports, probes, shutdown, Orleans' Kubernetes hosting, secrets.</summary>
public sealed class DeploymentTests(DeployedApps apps) : IClassFixture<DeployedApps>
{
    public static TheoryData<string, string> Deployments() => DeployedApps.DeploymentNames();

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_selector_matches_the_pod_labels_and_there_is_one_container(string overlay, string deployment)
    {
        var d = apps[overlay, deployment].Deployment;
        Assert.NotEmpty(d.SelectorLabels);
        Assert.True(d.SelectorLabels.All(l => d.PodLabels.GetValueOrDefault(l.Key) == l.Value), $"{overlay}: Deployment {deployment}: the selector does not match the pod's labels");
        Assert.Single(d.Containers);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Literal_values_are_strings_and_secrets_come_from_the_Secret_template(string overlay, string deployment)
    {
        var d = apps[overlay, deployment].Deployment;
        foreach (var container in d.Containers.Concat(d.InitContainers))
        {
            foreach (var node in container.Items("env").Where(n => n.Get("value") is not null))
            {
                Assert.True(node.Get("value") is YamlScalarNode scalar && scalar.IsString(), $"{overlay}: Deployment {deployment}: env {node.Text("name")} of {container.Text("name")} is not a YAML string: quote it");
            }
        }

        foreach (var entry in d.Containers.Concat(d.InitContainers).SelectMany(d.EnvironmentOf))
        {
            Assert.True(entry.Source != EnvironmentSourceKind.Other, $"{overlay}: Deployment {deployment}: {entry.Name} has a source these tests do not model");
            var secretLike = new[] { "secret", "connectionstring", "password" }.Any(w => entry.Name.Contains(w, StringComparison.OrdinalIgnoreCase)) || entry.Name.EndsWith("key", StringComparison.OrdinalIgnoreCase);
            Assert.True(!secretLike || entry.Source == EnvironmentSourceKind.Secret, $"{overlay}: Deployment {deployment}: {entry} is a secret and must come from a Secret");
            if (entry.Source == EnvironmentSourceKind.Secret)
            {
                Assert.True(apps.Manifests(overlay).SecretTemplate(entry.Reference)?.ContainsKey(entry.Key ?? "") == true, $"{overlay}: Deployment {deployment}: {entry}: the Secret template has no such key");
            }
        }

        foreach (var configMap in d.Containers.Concat(d.InitContainers).SelectMany(c => c.Items("envFrom")).Select(f => f.Text("configMapRef", "name")))
        {
            Assert.True(apps.Manifests(overlay).ConfigMapData(configMap) is not null, $"{overlay}: Deployment {deployment}: envFrom ConfigMap {configMap} is not rendered");
        }
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_containerPorts_are_the_ports_the_app_listens_on(string overlay, string deployment)
    {
        var app = apps[overlay, deployment];
        var ports = app.Deployment.Ports;
        var urls = app.Deployment.Env("ASPNETCORE_URLS")?.Value;
        Assert.False(string.IsNullOrEmpty(urls), $"{overlay}: Deployment {deployment}: no ASPNETCORE_URLS (the apps listen on loopback only without it)");
        var address = BindingAddress.Parse(urls.Split(';')[0]);
        Assert.True(address.Host is "+" or "*" or "0.0.0.0" or "[::]", $"{overlay}: Deployment {deployment}: ASPNETCORE_URLS={urls} does not listen on all interfaces");
        Assert.True(ports.GetValueOrDefault("http") == address.Port, $"{overlay}: Deployment {deployment}: containerPort http={ports.GetValueOrDefault("http")} but ASPNETCORE_URLS={urls}");
        var expected = new HashSet<int?> { address.Port };
        if (app.App.HostsSilo)
        {
            var endpoints = app.App.Options<EndpointOptions>();
            Assert.True(ports.GetValueOrDefault("silo") == endpoints.SiloPort, $"{overlay}: Deployment {deployment}: containerPort silo={ports.GetValueOrDefault("silo")} but the silo listens on {endpoints.SiloPort}");
            Assert.True(ports.GetValueOrDefault("gateway") == endpoints.GatewayPort, $"{overlay}: Deployment {deployment}: containerPort gateway={ports.GetValueOrDefault("gateway")} but the gateway listens on {endpoints.GatewayPort}");
            expected.UnionWith([endpoints.SiloPort, endpoints.GatewayPort]);
        }

        Assert.True(expected.SetEquals(ports.Values), $"{overlay}: Deployment {deployment}: containerPorts {string.Join(", ", ports.Values)}, the app opens {string.Join(", ", expected)}");
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_probes_reach_routes_the_app_maps_on_the_http_port(string overlay, string deployment)
    {
        var app = apps[overlay, deployment];
        var routes = ((IEndpointRouteBuilder)app.App.App!).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText).ToHashSet();
        var http = app.Deployment.Ports.GetValueOrDefault("http");
        Assert.True(app.Deployment.Container.Get("readinessProbe", "httpGet") is not null, $"{overlay}: Deployment {deployment}: the readinessProbe is no httpGet");
        Assert.True(app.Deployment.Container.Get("livenessProbe") is not null, $"{overlay}: Deployment {deployment}: no livenessProbe");
        // Readiness includes the cluster (front ends) or the storage (silos); liveness only what a restart can fix.
        Assert.Equal(SessionHealthEndpoints.ReadinessPath, app.Deployment.Container.Text("readinessProbe", "httpGet", "path"));
        Assert.Equal(SessionHealthEndpoints.LivenessPath, app.Deployment.Container.Text("livenessProbe", "httpGet", "path"));
        foreach (var kind in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            if (app.Deployment.Container.Get(kind) is not { } probe)
            {
                continue;
            }

            if (probe.Get("httpGet") is { } get)
            {
                Assert.True(routes.Contains(get.Text("path")), $"{overlay}: Deployment {deployment}: {kind} GET {get.Text("path")}, which {app.EntryPoint.AssemblyName} does not map ({string.Join(", ", routes)})");
                Assert.True(app.Deployment.PortNumber(get.Get("port")) == http, $"{overlay}: Deployment {deployment}: {kind} is not on the http port {http}");
            }
            else
            {
                Assert.False(app.App.HostsSilo, $"{overlay}: Deployment {deployment}: {kind} of a silo must GET its health route (a dead silo must restart)");
                Assert.True(app.Deployment.PortNumber(probe.Get("tcpSocket", "port")) == http, $"{overlay}: Deployment {deployment}: {kind} is not on the http port {http}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_grace_period_covers_the_apps_shutdown_timeout(string overlay, string deployment)
    {
        var app = apps[overlay, deployment];
        var grace = app.Deployment.PodSpec.Int("terminationGracePeriodSeconds") ?? 30;
        var shutdown = app.App.Options<HostOptions>().ShutdownTimeout.TotalSeconds;
        Assert.True(grace >= Math.Max(40, shutdown + 10), $"{overlay}: Deployment {deployment}: terminationGracePeriodSeconds {grace} < max(40, the host's {shutdown} s shutdown timeout + 10 s)");
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Orleans_Kubernetes_hosting_gets_its_labels_downward_API_and_RBAC_and_other_pods_no_API_token(string overlay, string deployment)
    {
        var app = apps[overlay, deployment];
        var d = app.Deployment;
        if (!app.App.UsesKubernetesHosting)
        {
            Assert.True(d.PodSpec.Text("automountServiceAccountToken") == "false", $"{overlay}: Deployment {deployment}: needs no Kubernetes API, so automountServiceAccountToken must be false");
            return;
        }

        var cluster = app.App.Options<ClusterOptions>();
        Assert.True(d.PodLabels.GetValueOrDefault(KubernetesHostingOptions.ServiceIdLabel) == cluster.ServiceId, $"{overlay}: Deployment {deployment}: pod label {KubernetesHostingOptions.ServiceIdLabel} is not the ServiceId {cluster.ServiceId}");
        Assert.True(d.PodLabels.GetValueOrDefault(KubernetesHostingOptions.ClusterIdLabel) == cluster.ClusterId, $"{overlay}: Deployment {deployment}: pod label {KubernetesHostingOptions.ClusterIdLabel} is not the ClusterId {cluster.ClusterId}");
        var fields = new Dictionary<string, string>
        {
            [KubernetesHostingOptions.PodNameEnvironmentVariable] = "metadata.name",
            [KubernetesHostingOptions.PodNamespaceEnvironmentVariable] = "metadata.namespace",
            [KubernetesHostingOptions.PodIPEnvironmentVariable] = "status.podIP",
            [KubernetesHostingOptions.ServiceIdEnvironmentVariable] = $"metadata.labels['{KubernetesHostingOptions.ServiceIdLabel}']",
            [KubernetesHostingOptions.ClusterIdEnvironmentVariable] = $"metadata.labels['{KubernetesHostingOptions.ClusterIdLabel}']",
        };
        foreach (var (name, field) in fields)
        {
            var entry = d.Env(name);
            Assert.True(entry is { Source: EnvironmentSourceKind.Field } && entry.Reference == field, $"{overlay}: Deployment {deployment}: {name} must come from the downward API's {field}, not {entry}");
        }

        Assert.True(app.App.Options<EndpointOptions>().AdvertisedIPAddress?.ToString() == PodEnvironment.PodIP, $"{overlay}: Deployment {deployment}: the silo does not advertise the pod IP (status.podIP)");
        var account = d.PodSpec.Text("serviceAccountName");
        Assert.True(apps.Manifests(overlay).Find("ServiceAccount", account) is not null, $"{overlay}: Deployment {deployment}: serviceAccountName {account} is not defined");
        var verbs = apps.Manifests(overlay).OfKind("RoleBinding")
            .Where(b => b.Root.Items("subjects").Any(s => s.Text("kind") == "ServiceAccount" && s.Text("name") == account))
            .Select(b => b.Root.Text("roleRef", "kind") == "Role" ? apps.Manifests(overlay).Find("Role", b.Root.Text("roleRef", "name")) : null)
            .SelectMany(role => role?.Root.Items("rules") ?? [])
            .Where(rule => rule.Items("apiGroups").OfType<YamlScalarNode>().Any(g => g.Value == "") && rule.Items("resources").OfType<YamlScalarNode>().Any(r => r.Value == "pods"))
            .SelectMany(rule => rule.Items("verbs").OfType<YamlScalarNode>().Select(v => v.Value))
            .ToHashSet();
        string[] needed = ["get", "list", "watch", "delete", "patch"];
        Assert.True(needed.All(verbs.Contains), $"{overlay}: ServiceAccount {account} may only {string.Join("/", verbs)} pods; Orleans' Kubernetes hosting needs {string.Join("/", needed)}");
    }
}
