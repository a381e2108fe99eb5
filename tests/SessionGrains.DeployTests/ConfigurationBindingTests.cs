namespace SessionGrains.DeployTests;

/// <summary>(b) Each Deployment's environment binds, through the apps' own set-up, into options that validate.</summary>
public sealed class ConfigurationBindingTests(DeployedApps apps) : IClassFixture<DeployedApps>
{
    public static TheoryData<string> Deployments() => DeployedApps.DeploymentNames();

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_app_reads_binds_and_validates_every_variable_of_its_Deployment(string deployment)
    {
        var app = apps[deployment];
        Assert.True(app.App.Problems.Count == 0,
            $"Deployment {deployment} ({app.EntryPoint.Dll}):\n  " + string.Join("\n  ", app.App.Problems));
    }

    [Theory]
    [InlineData("sessiongrains-web", "Session__Cookie__Nmae", "x", "Session__Cookie__Nmae (Session:Cookie:Nmae) is read by no code")]
    [InlineData("sessiongrains-web", "SessionGrains__MaxSessionBytes", "1000", "SessionGrains__MaxSessionBytes (SessionGrains:MaxSessionBytes) is read by no code")]
    [InlineData("sessiongrains-web", "Cluster__Mode", "Nonsense", "Cluster:Mode")]
    [InlineData("sessiongrains-web", "Session__IdleTimeout", "20 minutes", "Session:IdleTimeout")]
    [InlineData("sessiongrains-silo", "Session__Proxy", "true", "Session__Proxy (Session:Proxy) is read by no code")]
    [InlineData("sessiongrains-silo", "Cluster__SiloPort", "eleven", "Cluster:SiloPort")]
    [InlineData("sessiongrains-silo", "SessionGrains__MaxSessionBytes", "1048576", "MaxSessionBytes exceeds")]
    public async Task A_wrong_key_or_value_is_reported(string deployment, string name, string value, string expected)
    {
        var environment = PodEnvironment.Of(apps.Manifests.Deployment(deployment), apps.Manifests).ToDictionary();
        environment[name] = value;

        await using var app = BoundApp.Build(apps[deployment].EntryPoint, environment);

        Assert.Contains(app.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
