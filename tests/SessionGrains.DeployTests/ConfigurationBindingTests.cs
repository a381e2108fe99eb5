namespace SessionGrains.DeployTests;

/// <summary>(b) Each overlay's Deployments' environment binds, through the apps' own set-up, into options that validate.</summary>
public sealed class ConfigurationBindingTests(DeployedApps apps) : IClassFixture<DeployedApps>
{
    public static TheoryData<string, string> Deployments() => DeployedApps.DeploymentNames();

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_app_reads_binds_and_validates_every_variable_of_its_Deployment(string overlay, string deployment)
    {
        var app = apps[overlay, deployment];
        Assert.True(app.App.Problems.Count == 0,
            $"{overlay}: Deployment {deployment} ({app.EntryPoint.Dll}):\n  " + string.Join("\n  ", app.App.Problems));
    }

    [Theory]
    [InlineData("azure-storage", "sessiongrains-web", "Session__Cookie__Nmae", "x", "Session__Cookie__Nmae (Session:Cookie:Nmae) is read by no code")]
    [InlineData("azure-storage", "sessiongrains-web", "SessionGrains__MaxSessionBytes", "1000", "SessionGrains__MaxSessionBytes (SessionGrains:MaxSessionBytes) is read by no code")]
    [InlineData("azure-storage", "sessiongrains-web", "Cluster__Mode", "Nonsense", "Cluster:Mode")]
    [InlineData("azure-storage", "sessiongrains-web", "Session__IdleTimeout", "20 minutes", "Session:IdleTimeout")]
    [InlineData("azure-storage", "sessiongrains-silo", "Session__Proxy", "true", "Session__Proxy (Session:Proxy) is read by no code")]
    [InlineData("azure-storage", "sessiongrains-silo", "Cluster__SiloPort", "eleven", "Cluster:SiloPort")]
    [InlineData("azure-storage", "sessiongrains-silo", "SessionGrains__MaxSessionBytes", "1048576", "MaxSessionBytes exceeds")]
    [InlineData("redis", "sessiongrains-silo", "SessionGrains__MaxSessionBytes", "134217728", "MaxSessionBytes exceeds")]
    [InlineData("redis", "sessiongrains-web", "Cluster__RedisConnectionString", " ", "Cluster:RedisConnectionString is required")]
    [InlineData("postgresql", "sessiongrains-silo", "Cluster__AdoNetInvariant", "MySql.Data.MySqlClient", "Cluster:AdoNetInvariant must be Npgsql")]
    public async Task A_wrong_key_or_value_is_reported(string overlay, string deployment, string name, string value, string expected)
    {
        var environment = PodEnvironment.Of(apps.Manifests(overlay).Deployment(deployment), apps.Manifests(overlay)).ToDictionary();
        environment[name] = value;

        await using var app = BoundApp.Build(apps[overlay, deployment].EntryPoint, environment);

        Assert.Contains(app.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
