using Microsoft.Extensions.Configuration;
using Orleans;
using Orleans.Configuration;
using SessionGrains.AspNetCore;
using SessionGrains.Hosting;

namespace SessionGrains.DeployTests;

/// <summary>(b) The silos and the front ends form one cluster on Azure Storage; the front ends' sessions are set up for production.</summary>
public sealed class ClusterTopologyTests(DeployedApps apps) : IClassFixture<DeployedApps>
{
    private IReadOnlyList<DeployedApp> Silos => apps.ByDeployment.Values.Where(a => a.App.HostsSilo).ToList();

    private IReadOnlyList<DeployedApp> FrontEnds => apps.ByDeployment.Values.Where(a => !a.App.HostsSilo).ToList();

    private static SessionClusterOptions ClusterSettings(DeployedApp app) =>
        app.App.Provider.GetRequiredService<IConfiguration>().GetSection(SessionClusterOptions.SectionName).Get<SessionClusterOptions>() ?? new();

    [Fact]
    public void Silos_keep_membership_sessions_and_reminders_in_Azure_Storage()
    {
        Assert.NotEmpty(Silos);
        foreach (var silo in Silos)
        {
            var settings = ClusterSettings(silo);
            Assert.True(settings is { Clustering: ClusteringProvider.AzureStorage, GrainStorage: GrainStorageProvider.AzureTable, Reminders: ReminderProvider.AzureTable },
                $"Deployment {silo.Deployment.Name}: {settings.Clustering} clustering, {settings.GrainStorage} storage, {settings.Reminders} reminders");
            Assert.True(silo.Deployment.Env(nameof(SessionClusterOptions.StorageConnectionString), SessionClusterOptions.SectionName)?.Source == EnvironmentSourceKind.Secret,
                $"Deployment {silo.Deployment.Name}: the storage connection string does not come from a Secret");
        }
    }

    [Fact]
    public void Front_ends_are_cluster_clients_of_the_silos_cluster()
    {
        Assert.NotEmpty(FrontEnds);
        foreach (var frontEnd in FrontEnds)
        {
            Assert.True(frontEnd.App.Services.Any(d => d.ServiceType == typeof(IClusterClient)), $"Deployment {frontEnd.Deployment.Name}: no cluster client");
            foreach (var silo in Silos)
            {
                var (client, server) = (frontEnd.App.Options<ClusterOptions>(), silo.App.Options<ClusterOptions>());
                Assert.True((client.ClusterId, client.ServiceId) == (server.ClusterId, server.ServiceId),
                    $"{frontEnd.Deployment.Name} joins {client.ClusterId}/{client.ServiceId}, {silo.Deployment.Name} is {server.ClusterId}/{server.ServiceId}");
                var (a, b) = (ClusterSettings(frontEnd), ClusterSettings(silo));
                Assert.True(a.Clustering == b.Clustering && a.StorageConnectionString == b.StorageConnectionString,
                    $"{frontEnd.Deployment.Name} and {silo.Deployment.Name} find the cluster differently ({a.Clustering} vs {b.Clustering}, or another storage account)");
            }
        }
    }

    [Fact]
    public void Front_ends_sign_with_the_Secrets_value_behind_a_TLS_proxy()
    {
        foreach (var frontEnd in FrontEnds)
        {
            var options = frontEnd.App.Options<SessionFrontEndOptions>();
            var first = frontEnd.Deployment.Environment.FirstOrDefault(e => e.Name.StartsWith("Session__Secrets__", StringComparison.Ordinal));
            Assert.True(first?.Source == EnvironmentSourceKind.Secret, $"Deployment {frontEnd.Deployment.Name}: the session secret does not come from a Secret ({first})");
            Assert.Equal(apps.Manifests.SecretTemplate(first.Reference)![first.Key!], options.Secrets.FirstOrDefault());
            Assert.True(options.Proxy == true, $"Deployment {frontEnd.Deployment.Name}: Session:Proxy is not true (it runs behind an ingress)");
            Assert.True(options.Cookie.Secure == SessionCookieSecure.Auto, $"Deployment {frontEnd.Deployment.Name}: Session:Cookie:Secure is {options.Cookie.Secure}, not Auto");
        }
    }

    [Fact]
    public void A_Service_routes_to_each_front_end_on_its_http_port()
    {
        foreach (var frontEnd in FrontEnds)
        {
            var d = frontEnd.Deployment;
            var services = apps.Manifests.OfKind("Service")
                .Where(s => s.Root.Strings("spec", "selector") is { Count: > 0 } selector && selector.All(l => d.PodLabels.GetValueOrDefault(l.Key) == l.Value)).ToList();
            var service = Assert.Single(services);
            foreach (var port in service.Root.Items("spec", "ports"))
            {
                Assert.True(d.PortNumber(port.Get("targetPort")) == d.Ports.GetValueOrDefault("http"), $"{service}: port {port.Text("port")} targets {port.Text("targetPort")}, not the http port");
            }
        }
    }

    [Fact]
    public void The_Secret_template_holds_only_placeholders()
    {
        var secrets = apps.Manifests.OfKind("Secret").ToList();
        Assert.NotEmpty(secrets);
        foreach (var secret in secrets)
        {
            foreach (var (key, value) in apps.Manifests.SecretTemplate(secret.Name)!)
            {
                var placeholder = value == "UseDevelopmentStorage=true" || value.Contains("REPLACE", StringComparison.OrdinalIgnoreCase);
                var realKey = value.Contains("AccountKey=", StringComparison.Ordinal) || value.Contains("SharedAccessSignature=", StringComparison.Ordinal) || value.Contains("sig=", StringComparison.Ordinal);
                Assert.True(placeholder && !realKey, $"{secret}: {key} is not a placeholder: {value}");
            }
        }
    }
}
