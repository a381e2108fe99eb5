using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace SessionGrains.Tests.Shared;

/// <summary>A web app started on Kestrel (e.g. with <c>--urls http://127.0.0.1:0</c>) and the address it bound; stopped on dispose.</summary>
public sealed class KestrelTestApp : IAsyncDisposable
{
    private KestrelTestApp(WebApplication app, Uri address) => (App, Address) = (app, address);

    /// <summary>The running app.</summary>
    public WebApplication App { get; }

    /// <summary>Where it listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Address { get; }

    /// <summary>Starts <paramref name="app"/>; when it fails to start, disposes it and rethrows.</summary>
    public static async Task<KestrelTestApp> StartAsync(WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new KestrelTestApp(app, new Uri(address + "/"));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
