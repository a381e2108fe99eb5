using System.Reflection;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using SessionGrains.AspNetCore;

namespace SessionGrains.Benchmarks;

/// <summary>
/// The middleware's per-request work that needs no grain call, through its public API: path match, Cookie header
/// parsing and percent-decoding (the internal SessionCookieCodec), signature verification, and the lazy session
/// object. Preload is off and the app does not touch the session, so no grain is called (the grain factory throws
/// if it were). Each invocation builds a fresh DefaultHttpContext; <see cref="HttpContextOnly"/> is that cost alone.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MiddlewareBenchmarks
{
    private const string CookieName = "connect.sid";
    private static readonly RequestDelegate App = static _ => Task.CompletedTask;

    private RequestDelegate _middleware = null!;
    private string _cookieHeader = null!;
    private string _tamperedCookieHeader = null!;

    [GlobalSetup]
    public void Setup()
    {
        string[] secrets = ["benchmark-secret-current-0123456789abcdef"];
        var signer = new SessionCookieSigner(secrets);
        _middleware = SessionPipeline.Build(DispatchProxy.Create<IGrainFactory, ThrowingGrainFactory>(), o =>
        {
            o.Secrets = secrets;
            o.Preload = false;
        }, App);

        // As a browser sends an express-session cookie: encodeURIComponent("s:" + id + "." + signature), among others.
        var signed = signer.Sign(SessionIdGenerator.NewId());
        _cookieHeader = $"theme=dark; {CookieName}={Uri.EscapeDataString(signed)}; _ga=GA1.1.123456789.1700000000";
        var tampered = signed[..^3] + (signed[^3] == 'A' ? 'B' : 'A') + signed[^2..];
        _tamperedCookieHeader = $"theme=dark; {CookieName}={Uri.EscapeDataString(tampered)}; _ga=GA1.1.123456789.1700000000";
    }

    [Benchmark(Baseline = true)]
    public Task HttpContextOnly() => App(NewContext(_cookieHeader));

    [Benchmark]
    public Task AnonymousRequest() => _middleware(NewContext(null));

    [Benchmark]
    public Task SignedRequest_SessionUnused() => _middleware(NewContext(_cookieHeader));

    [Benchmark]
    public Task TamperedRequest() => _middleware(NewContext(_tamperedCookieHeader));

    private static DefaultHttpContext NewContext(string? cookieHeader)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/cart";
        if (cookieHeader is not null)
        {
            context.Request.Headers.Cookie = cookieHeader;
        }

        return context;
    }
}

/// <summary>An IGrainFactory that fails any call: proves the measured requests make no grain call.</summary>
public class ThrowingGrainFactory : DispatchProxy
{
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        => throw new InvalidOperationException($"Unexpected grain factory call: {targetMethod?.Name}");
}
