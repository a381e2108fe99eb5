using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;
using SessionGrains.Web;

namespace SessionGrains.Web.Tests;

/// <summary>The demo's secret rule: the public development secret only in Development; elsewhere a secret of one's own or no start.</summary>
public sealed class DemoSecretTests
{
    private static SessionFrontEndOptions Resolve(string environment, string? secret)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(secret is null ? [] : new Dictionary<string, string?> { ["Session:Secrets:0"] = secret })
            .Build();
        using var services = new ServiceCollection().AddLogging()
            .AddDemoSessions(configuration, new HostingEnvironment { EnvironmentName = environment })
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<SessionFrontEndOptions>>().Value;
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Outside_Development_no_secret_fails_and_names_the_key(string environment)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(environment, secret: null));

        Assert.Contains("Session__Secrets__0", failure.Message);
        Assert.Contains("Session:Secrets:0", failure.Message);
    }

    [Fact]
    public void Outside_Development_the_public_development_secret_is_refused_even_when_configured()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(Environments.Production, DemoSessionSetup.DevelopmentSecret));

        Assert.Contains("Session__Secrets__0", failure.Message);
    }

    [Fact]
    public void In_Development_a_missing_secret_falls_back_to_the_development_secret()
        => Assert.Equal([DemoSessionSetup.DevelopmentSecret], Resolve(Environments.Development, secret: null).Secrets);

    [Fact]
    public void A_configured_secret_is_used_as_it_is_in_every_environment()
    {
        Assert.Equal(["a long random production secret 0123456789"], Resolve(Environments.Production, "a long random production secret 0123456789").Secrets);
        Assert.Equal(["a long random development secret 0123456"], Resolve(Environments.Development, "a long random development secret 0123456").Secrets);
    }
}
