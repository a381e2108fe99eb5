using Microsoft.Extensions.Configuration;
using Orleans;
using Orleans.Configuration;
using SessionGrains.AspNetCore;
using SessionGrains.Hosting;
using SessionGrains.Silo;

namespace SessionGrains.DeployTests;

/// <summary>(b) In each overlay the silos and the front ends form one cluster on the overlay's store; the front ends' sessions are set up for production.</summary>
public sealed class ClusterTopologyTests(DeployedApps apps) : IClassFixture<DeployedApps>
{
    /// <summary>The store each overlay is for: its clustering, grain storage and reminders, all durable and shared.</summary>
    private static readonly Dictionary<string, (ClusteringProvider Clustering, GrainStorageProvider Storage, ReminderProvider Reminders)> Stores = new()
    {
        ["azure-storage"] = (ClusteringProvider.AzureStorage, GrainStorageProvider.AzureTable, ReminderProvider.AzureTable),
        ["redis"] = (ClusteringProvider.Redis, GrainStorageProvider.Redis, ReminderProvider.Redis),
        ["postgresql"] = (ClusteringProvider.AdoNet, GrainStorageProvider.AdoNet, ReminderProvider.AdoNet),
    };

    public static TheoryData<string> Overlays() => DeployedApps.OverlayNames();

    private IReadOnlyList<DeployedApp> Silos(string overlay) => apps.Of(overlay).Where(a => a.App.HostsSilo).ToList();

    private IReadOnlyList<DeployedApp> FrontEnds(string overlay) => apps.Of(overlay).Where(a => !a.App.HostsSilo).ToList();

    private static SessionClusterOptions ClusterSettings(DeployedApp app) =>
        app.App.Provider.GetRequiredService<IConfiguration>().GetSection(SessionClusterOptions.SectionName).Get<SessionClusterOptions>() ?? new();

    /// <summary>The variable of the connection string the clustering provider reads.</summary>
    private static string ClusteringConnectionVariable(ClusteringProvider clustering) => $"{SessionClusterOptions.SectionName}__" + clustering switch
    {
        ClusteringProvider.Redis => nameof(SessionClusterOptions.RedisConnectionString),
        ClusteringProvider.AdoNet => nameof(SessionClusterOptions.AdoNetConnectionString),
        _ => nameof(SessionClusterOptions.StorageConnectionString),
    };

    [Fact]
    public void Every_overlay_is_for_a_known_store() => Assert.Equal(Stores.Keys.Order(), KubernetesManifests.Overlays(apps.Root));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_keep_membership_sessions_and_reminders_in_the_overlays_store_reached_through_a_Secret(string overlay)
    {
        Assert.NotEmpty(Silos(overlay));
        foreach (var silo in Silos(overlay))
        {
            var settings = ClusterSettings(silo);
            Assert.True((settings.Clustering, settings.GrainStorage, settings.Reminders) == Stores[overlay],
                $"{overlay}: Deployment {silo.Deployment.Name}: {settings.Clustering} clustering, {settings.GrainStorage} storage, {settings.Reminders} reminders; expected {Stores[overlay]}");
            var connection = silo.Deployment.Env(ClusteringConnectionVariable(settings.Clustering));
            Assert.True(connection?.Source == EnvironmentSourceKind.Secret, $"{overlay}: Deployment {silo.Deployment.Name}: the store's connection string does not come from a Secret ({connection})");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Front_ends_are_cluster_clients_of_the_silos_cluster(string overlay)
    {
        Assert.NotEmpty(FrontEnds(overlay));
        foreach (var frontEnd in FrontEnds(overlay))
        {
            Assert.True(frontEnd.App.Services.Any(d => d.ServiceType == typeof(IClusterClient)), $"{overlay}: Deployment {frontEnd.Deployment.Name}: no cluster client");
            foreach (var silo in Silos(overlay))
            {
                var (client, server) = (frontEnd.App.Options<ClusterOptions>(), silo.App.Options<ClusterOptions>());
                Assert.True((client.ClusterId, client.ServiceId) == (server.ClusterId, server.ServiceId),
                    $"{overlay}: {frontEnd.Deployment.Name} joins {client.ClusterId}/{client.ServiceId}, {silo.Deployment.Name} is {server.ClusterId}/{server.ServiceId}");
                var (a, b) = (ClusterSettings(frontEnd), ClusterSettings(silo));
                var variable = ClusteringConnectionVariable(b.Clustering);
                Assert.True(a.Clustering == b.Clustering && frontEnd.Deployment.Env(variable) == silo.Deployment.Env(variable),
                    $"{overlay}: {frontEnd.Deployment.Name} and {silo.Deployment.Name} find the cluster differently ({a.Clustering} vs {b.Clustering}; {frontEnd.Deployment.Env(variable)} vs {silo.Deployment.Env(variable)})");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_on_PostgreSQL_apply_the_schema_first_with_an_init_container_of_their_own_image(string overlay)
    {
        foreach (var silo in Silos(overlay))
        {
            var d = silo.Deployment;
            var setups = d.InitContainers.Where(c => c.Items("args").FirstOrDefault()?.Text() == DatabaseSetupCommand.Name).ToList();
            var settings = ClusterSettings(silo);
            var usesAdoNet = settings.Clustering == ClusteringProvider.AdoNet || settings.GrainStorage == GrainStorageProvider.AdoNet || settings.Reminders == ReminderProvider.AdoNet;
            Assert.True(usesAdoNet == (setups.Count == 1), $"{overlay}: Deployment {d.Name}: {(usesAdoNet ? "AdoNet providers without" : "no AdoNet provider but")} an init container running {DatabaseSetupCommand.Name}");
            foreach (var setup in setups)
            {
                Assert.True(setup.Text("image") == d.Image && setup.Get("command") is null, $"{overlay}: Deployment {d.Name}: {setup.Text("name")} does not run the silo image's own entry point ({d.Image})");
                Assert.True(setup.Text("securityContext", "allowPrivilegeEscalation") == "false", $"{overlay}: Deployment {d.Name}: {setup.Text("name")} may escalate privileges");
                const string variable = $"{SessionClusterOptions.SectionName}__{nameof(SessionClusterOptions.AdoNetConnectionString)}";
                var (own, silos) = (d.EnvironmentOf(setup).FirstOrDefault(e => e.Name == variable), d.Env(variable));
                Assert.True(own is { Source: EnvironmentSourceKind.Secret } && own == silos, $"{overlay}: Deployment {d.Name}: {setup.Text("name")} sets up {own}, the silo uses {silos}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Front_ends_sign_with_the_Secrets_value_behind_a_TLS_proxy(string overlay)
    {
        foreach (var frontEnd in FrontEnds(overlay))
        {
            var options = frontEnd.App.Options<SessionFrontEndOptions>();
            var first = frontEnd.Deployment.Environment.FirstOrDefault(e => e.Name.StartsWith("Session__Secrets__", StringComparison.Ordinal));
            Assert.True(first?.Source == EnvironmentSourceKind.Secret, $"{overlay}: Deployment {frontEnd.Deployment.Name}: the session secret does not come from a Secret ({first})");
            Assert.Equal(apps.Manifests(overlay).SecretTemplate(first.Reference)![first.Key!], options.Secrets.FirstOrDefault());
            Assert.True(options.Proxy == true, $"{overlay}: Deployment {frontEnd.Deployment.Name}: Session:Proxy is not true (it runs behind an ingress)");
            Assert.True(options.Cookie.Secure == SessionCookieSecure.Auto, $"{overlay}: Deployment {frontEnd.Deployment.Name}: Session:Cookie:Secure is {options.Cookie.Secure}, not Auto");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void A_Service_routes_to_each_front_end_on_its_http_port(string overlay)
    {
        foreach (var frontEnd in FrontEnds(overlay))
        {
            var d = frontEnd.Deployment;
            var services = apps.Manifests(overlay).OfKind("Service")
                .Where(s => s.Root.Strings("spec", "selector") is { Count: > 0 } selector && selector.All(l => d.PodLabels.GetValueOrDefault(l.Key) == l.Value)).ToList();
            var service = Assert.Single(services);
            foreach (var port in service.Root.Items("spec", "ports"))
            {
                Assert.True(d.PortNumber(port.Get("targetPort")) == d.Ports.GetValueOrDefault("http"), $"{service}: port {port.Text("port")} targets {port.Text("targetPort")}, not the http port");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_Secret_template_holds_only_placeholders(string overlay)
    {
        var secrets = apps.Manifests(overlay).OfKind("Secret").ToList();
        Assert.NotEmpty(secrets);
        foreach (var secret in secrets)
        {
            foreach (var (key, value) in apps.Manifests(overlay).SecretTemplate(secret.Name)!)
            {
                var placeholder = value == "UseDevelopmentStorage=true" || value.Contains("REPLACE", StringComparison.OrdinalIgnoreCase);
                var realKey = value.Contains("AccountKey=", StringComparison.Ordinal) || value.Contains("SharedAccessSignature=", StringComparison.Ordinal) || value.Contains("sig=", StringComparison.Ordinal);
                Assert.True(placeholder && !realKey, $"{secret}: {key} is not a placeholder: {value}");
            }
        }
    }
}
