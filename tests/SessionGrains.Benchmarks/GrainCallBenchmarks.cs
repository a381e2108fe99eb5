using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SessionGrains.AspNetCore;

namespace SessionGrains.Benchmarks;

/// <summary>
/// One grain call's round trip on a one-silo in-process cluster (memory or single-silo storage "sessions", in-memory reminders),
/// awaited one at a time: latency, not throughput. "Hosted" calls come from the silo's own grain factory (a co-hosted
/// front end); "Client" calls from the cluster client over TCP to the silo's gateway on loopback (a client-mode
/// front end). Allocations are the whole process's: caller and silo together. Every method resolves the grain
/// reference per call, as SessionGrainClient does.
/// </summary>
[Config(typeof(ClusterBenchmarkConfig))]
public class GrainCallBenchmarks
{
    private InProcessTestCluster _cluster = null!;
    private IGrainFactory _hosted = null!;
    private IGrainFactory _client = null!;
    private string _loadId = null!;
    private string _hostedWriteId = null!;
    private string _clientWriteId = null!;
    private SessionChangeSet _delta = null!;
    private RequestDelegate _middleware = null!;
    private RequestDelegate _localReadMiddleware = null!;
    private RequestDelegate _localWriteMiddleware = null!;
    private string _writeCookieHeader = null!;
    private string _cookieHeader = null!;
    private readonly CancellationTokenSource _sharedDeadline = new(TimeSpan.FromHours(1));

    /// <summary>"Memory": AddSessionMemoryStorage (a memory storage grain per write); "SingleSilo": SingleSiloMemory storage.</summary>
    [Params("Memory", "SingleSilo")]
    public string Storage { get; set; } = "Memory";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _cluster = BenchCluster.Build(singleSiloStorage: Storage == "SingleSilo");
        await _cluster.DeployAsync();
        _hosted = BenchCluster.HostedGrainFactory(_cluster);
        _client = _cluster.Client;
        _loadId = await BenchCluster.CreateSessionAsync(_hosted);
        _hostedWriteId = await BenchCluster.CreateSessionAsync(_hosted);
        _clientWriteId = await BenchCluster.CreateSessionAsync(_hosted);
        _delta = BenchCluster.OneKey((byte)'b');

        // The whole request path of a co-hosted front end: cookie verified, session preloaded (one LoadAsync), read.
        string[] secrets = ["benchmark-secret-current-0123456789abcdef"];
        var signer = new SessionCookieSigner(secrets);
        RequestDelegate app = static context => context.Session.TryGetValue("user", out _) ? Task.CompletedTask : throw new InvalidOperationException("Session not loaded.");
        _middleware = SessionPipeline.Build(_hosted, o => // no local reads, no read cache: one grain call per request
        {
            o.Secrets = secrets;
            o.ReadLease = TimeSpan.Zero;
        }, app);
        _localReadMiddleware = SessionPipeline.Build(_hosted, o => o.Secrets = secrets, app,
            _cluster.Silos[0].SiloHost.Services.GetRequiredService<ILocalSessionReader>());
        _cookieHeader = $"connect.sid={Uri.EscapeDataString(signer.Sign(_loadId))}";
        var written = 0L; // a new value each request: an unchanged one would commit nothing
        _localWriteMiddleware = SessionPipeline.Build(_hosted, o => o.Secrets = secrets, context =>
        {
            context.Session.SetString("b", (++written).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        }, _cluster.Silos[0].SiloHost.Services.GetRequiredService<ILocalSessionReader>());
        _writeCookieHeader = $"connect.sid={Uri.EscapeDataString(signer.Sign(_hostedWriteId))}";

        // Fail now rather than measure "no session" answers.
        if (await LoadHosted() is null || await LoadClient() is null || !(await ApplyDeltaHosted()).Succeeded
            || !(await IncrementClient()).Succeeded)
        {
            throw new InvalidOperationException("The benchmark sessions are not live.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _cluster.DisposeAsync();

    [Benchmark]
    public Task<SessionSnapshot?> LoadHosted() => _hosted.GetGrain<ISessionGrain>(_loadId).LoadAsync();

    [Benchmark]
    public Task<SessionSnapshot?> LoadClient() => _client.GetGrain<ISessionGrain>(_loadId).LoadAsync();

    /// <summary>A write call that writes no storage (the stored last access is fresh): Apply minus this is the storage write.</summary>
    [Benchmark]
    public Task<SessionWriteResult> TouchHosted() => _hosted.GetGrain<ISessionGrain>(_hostedWriteId).TouchAsync();

    /// <summary>The delta commit: one key changed; the grain applies it and writes its record to storage.</summary>
    [Benchmark]
    public Task<SessionWriteResult> ApplyDeltaHosted() => _hosted.GetGrain<ISessionGrain>(_hostedWriteId).ApplyAsync(_delta);

    /// <summary>The delta commit with a deadline as SessionGrainClient gave it until 1.2: a new CancellationTokenSource (a timer) per call, its token passed to Orleans.</summary>
    [Benchmark]
    public async Task<SessionWriteResult> ApplyDeltaHostedTimerPerCall()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        return await _hosted.GetGrain<ISessionGrain>(_hostedWriteId).ApplyAsync(_delta, cancellationToken: deadline.Token);
    }

    /// <summary>The delta commit with a cancellable token that needs no timer per call (one long-lived source): what Orleans' tracking of a cancellable call costs.</summary>
    [Benchmark]
    public Task<SessionWriteResult> ApplyDeltaHostedSharedToken()
        => _hosted.GetGrain<ISessionGrain>(_hostedWriteId).ApplyAsync(_delta, cancellationToken: _sharedDeadline.Token);

    [Benchmark]
    public Task<SessionWriteResult> ApplyDeltaClient() => _client.GetGrain<ISessionGrain>(_clientWriteId).ApplyAsync(_delta);

    [Benchmark]
    public Task<SessionIncrementResult> IncrementHosted() => _hosted.GetGrain<ISessionGrain>(_hostedWriteId).IncrementAsync("n", 1);

    [Benchmark]
    public Task<SessionIncrementResult> IncrementClient() => _client.GetGrain<ISessionGrain>(_clientWriteId).IncrementAsync("n", 1);

    /// <summary>A request through GrainSessionMiddleware (fresh DefaultHttpContext) that loads the session with a grain call and reads a key.</summary>
    [Benchmark]
    public Task MiddlewareRequestHosted() => _middleware(NewRequest());

    /// <summary>The same request co-hosted with the silo that has the session active: a local read, no grain call.</summary>
    [Benchmark]
    public Task MiddlewareRequestLocalRead() => _localReadMiddleware(NewRequest());

    /// <summary>A co-hosted write request: the session read locally, one key set, committed at the end as one delta (ApplyAsync).</summary>
    [Benchmark]
    public Task MiddlewareWriteLocalRead() => _localWriteMiddleware(NewRequest(_writeCookieHeader));

    private DefaultHttpContext NewRequest(string? cookieHeader = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/cart";
        context.Request.Headers.Cookie = cookieHeader ?? _cookieHeader;
        return context;
    }
}
