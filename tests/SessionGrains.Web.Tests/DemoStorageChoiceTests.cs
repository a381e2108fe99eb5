using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using SessionGrains.Server;
using SessionGrains.Web;

namespace SessionGrains.Web.Tests;

/// <summary>The co-hosted demo alone keeps sessions in its silo's own memory; beside other silos, or when told, it keeps what is configured.</summary>
public sealed class DemoStorageChoiceTests
{
    [Theory]
    [InlineData(null, "11111", "SingleSiloGrainStorage")]  // its own primary: one silo
    [InlineData(null, "11112", "MemoryGrainStorage")]      // joins another silo's cluster
    [InlineData("Memory", "11111", "MemoryGrainStorage")]  // configured
    public async Task The_co_hosted_demo_picks_its_session_storage(string? configured, string primarySiloPort, string expected)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration["Cluster:SiloPort"] = "11111";
        builder.Configuration["Cluster:PrimarySiloPort"] = primarySiloPort;
        if (configured is not null)
        {
            builder.Configuration["Cluster:GrainStorage"] = configured;
        }

        await using var app = builder.ConfigureDemo().Build();
        var storageName = app.Services.GetRequiredService<IOptions<SessionSiloOptions>>().Value.StorageName;

        var storage = app.Services.GetRequiredKeyedService<IGrainStorage>(storageName);

        Assert.Equal(expected, storage.GetType().Name);
    }
}
