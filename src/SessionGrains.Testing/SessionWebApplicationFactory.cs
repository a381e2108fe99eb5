using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using SessionGrains.AspNetCore;

namespace SessionGrains.Testing;

/// <summary>
/// Runs the app <typeparamref name="TEntryPoint"/> on TestServer with its sessions in a <see cref="SessionTestCluster"/>
/// that the factory starts with the app and stops with it. The app's own Orleans silo (<c>UseOrleans</c>) or client
/// (<c>UseOrleansClient</c>) is removed from its services, never started, and replaced by the test cluster's client.
/// </summary>
/// <remarks>
/// The app then runs as a client-mode front end with <see cref="SessionFrontEndOptions.ReadLease"/> 0, so every request
/// reaches the grain and sees session time move at once. An app without a session secret gets a random one. The app's
/// grains and silo-side services (e.g. lifecycle handlers) run in the test cluster only when
/// <see cref="ConfigureSilo"/> adds them.
/// </remarks>
public class SessionWebApplicationFactory<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    private readonly Lazy<SessionTestCluster> _cluster;
    private readonly string _fallbackSecret = SessionIdGenerator.NewId() + SessionIdGenerator.NewId();

    /// <summary>Creates the factory; the cluster starts with the app (or when <see cref="Cluster"/> is first used).</summary>
    public SessionWebApplicationFactory()
    {
        _cluster = new(StartCluster);
    }

    /// <summary>The cluster the app's sessions live in.</summary>
    public SessionTestCluster Cluster => _cluster.Value;

    /// <summary>The app's session cookies, signed with its secret.</summary>
    public SignedSessionCookies Cookies => new(Services);

    /// <summary>
    /// Creates a session in the cluster with the app's timeouts, holding what <paramref name="seed"/> gives (e.g. bound to
    /// a user), and returns it with the Cookie header that presents it.
    /// </summary>
    public async Task<TestSession> CreateSessionAsync(SessionSeed? seed = null)
    {
        var options = Services.GetRequiredService<IOptions<SessionFrontEndOptions>>().Value;
        var id = await Cluster.CreateSessionAsync(new SessionTimeouts(options.IdleTimeout, options.AbsoluteTimeout), seed);
        return new TestSession(id, Cookies.HeaderFor(id));
    }

    /// <summary>A client that handles cookies like a browser and starts out presenting <paramref name="session"/>.</summary>
    public HttpClient CreateClient(TestSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var cookies = new CookieContainer();
        cookies.Add(ClientOptions.BaseAddress, Cookies.CookieFor(session.Id));
        return CreateDefaultClient(ClientOptions.BaseAddress, new CookieContainerHandler(cookies));
    }

    /// <summary>What the session that <paramref name="response"/> set in its cookie holds; null when it set none or the session is gone.</summary>
    public async Task<SessionContents?> ReadSessionAsync(HttpResponseMessage response)
        => Cookies.SessionIdOf(response) is { } id ? await Cluster.ReadSessionAsync(id) : null;

    // WebApplicationFactory builds the app synchronously, so the cluster starts on a pool thread without the caller's
    // execution context: when first used while the app is being built, the context carries WebApplicationFactory's
    // marker for the app's host, and the silos' hosts would be taken for the app's.
    private SessionTestCluster StartCluster()
    {
        Task<SessionTestCluster> starting;
        using (ExecutionContext.SuppressFlow())
        {
            starting = Task.Run(() => SessionTestCluster.StartAsync(configure: ConfigureSilo));
        }

        return starting.GetAwaiter().GetResult();
    }

    /// <summary>Adds to each test silo's configuration; override to add the app's grain dependencies or lifecycle handlers.</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureTestServices(services =>
        {
            OrleansRegistrations.RemoveFrom(services);
            services.AddSingleton(Cluster.Client);
            services.AddSingleton<IGrainFactory>(Cluster.Client);
            services.PostConfigure<SessionFrontEndOptions>(options =>
            {
                options.ReadLease = TimeSpan.Zero;
                if (options.Secrets is not { Length: > 0 })
                {
                    options.Secrets = [_fallbackSecret];
                }
            });
        });
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cluster.IsValueCreated)
        {
            await _cluster.Value.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
