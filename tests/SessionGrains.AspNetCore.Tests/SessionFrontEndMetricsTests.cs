using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// The front end's meter <c>SessionGrains.AspNetCore</c> and activity source, read with MetricCollector and an
/// ActivityListener: what an operator's dashboard shows for ordinary requests, forged cookies, retries and failures.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class SessionFrontEndMetricsTests(FrontEndCluster cluster) : IDisposable
{
    private const string Meter = SessionGrainsTelemetry.FrontEndMeterName;

    public void Dispose() => cluster.Silo.Faults.Disarm();

    [Fact]
    public async Task Store_calls_are_timed_by_operation_and_read_leases_count_hits_and_misses()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        using var durations = Collector<double>(app, "sessiongrains.store.call.duration");
        using var lookups = Collector<long>(app, "sessiongrains.read_lease.lookups");

        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1"));
        await app.GetAsync("/get?key=a", cookie); // a miss: the lease starts
        await app.GetAsync("/get?key=a", cookie); // a hit within the lease (the test clock does not move real time)

        var operations = durations.GetMeasurementSnapshot().Select(m => (string)m.Tags["sessiongrains.operation"]!).ToList();
        Assert.Equal(["create", "load"], operations.Distinct().Order());
        Assert.All(durations.GetMeasurementSnapshot(), m => Assert.False(m.Tags.ContainsKey("error.type")));
        Assert.All(durations.GetMeasurementSnapshot(), m => Assert.InRange(m.Value, 0, 30));
        Assert.Equal(["miss", "hit"], lookups.GetMeasurementSnapshot().Select(m => (string)m.Tags["sessiongrains.read_lease.result"]!));
    }

    [Fact]
    public async Task Rejected_cookies_are_counted_by_reason()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        using var rejected = Collector<long>(app, "sessiongrains.cookies.rejected");
        var signer = new SessionCookieSigner([TestApp.Secret]);
        var valid = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1"));

        await app.GetAsync("/get?key=a", "connect.sid=not-a-signed-value");
        // Tampered: the signature's first character changed (its last may carry only padding bits; the raw cookie's tail may be a %-escape).
        var signed = signer.Sign(TestApp.SessionIdOf(valid));
        var dot = signed.LastIndexOf('.') + 1;
        await app.GetAsync("/get?key=a", "connect.sid=" + Uri.EscapeDataString(signed[..dot] + (signed[dot] == 'A' ? 'B' : 'A') + signed[(dot + 1)..]));
        await app.GetAsync("/get?key=a", "connect.sid=" + Uri.EscapeDataString(signer.Sign(SessionTestSilo.NewSessionId())));

        Assert.Equal(["malformed", "bad_signature", "no_session"],
            rejected.GetMeasurementSnapshot().Select(m => (string)m.Tags["sessiongrains.rejection.reason"]!));
    }

    [Fact]
    public async Task Retries_and_failed_requests_are_counted()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: FailureTests.MapBigValue);
        using var retries = Collector<long>(app, "sessiongrains.store.call.retries");
        using var failed = Collector<long>(app, "sessiongrains.requests.failed");
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set-big?size=10"));

        cluster.Silo.Faults.Arm("ApplyAsync", SessionFault.LoseAcknowledgement);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync("/set-big?size=20", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await app.PostAsync("/set-big?size=300000", cookie)).StatusCode);

        Assert.Equal("apply", Assert.Single(retries.GetMeasurementSnapshot()).Tags["sessiongrains.operation"]);
        Assert.Equal(413, Assert.Single(failed.GetMeasurementSnapshot()).Tags["http.response.status_code"]);
    }

    [Fact]
    public async Task A_request_that_uses_its_session_has_load_and_commit_spans()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SessionGrainsTelemetry.FrontEndActivitySourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var trace = ActivityTraceId.CreateRandom();
        void Traced(HttpRequestMessage request) => request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1", configure: Traced));
        await app.PostAsync("/set?key=a&value=2", cookie, Traced);

        List<Activity> ours;
        lock (spans)
        {
            ours = spans.Where(s => s.TraceId == trace && s.Source.Name == SessionGrainsTelemetry.FrontEndActivitySourceName).ToList();
        }

        Assert.Equal(["sessiongrains.session.commit", "sessiongrains.session.load", "sessiongrains.session.commit"],
            ours.Select(s => s.OperationName));
        Assert.Equal(true, ours[1].GetTagItem("sessiongrains.session.found"));
        Assert.All(ours, s => Assert.NotEqual(default, s.ParentSpanId)); // children of ASP.NET Core's request span
        Assert.All(ours, s => Assert.DoesNotContain(TestApp.SessionIdOf(cookie), string.Join(",", s.Tags.Select(t => t.Value))));
    }

    private static MetricCollector<T> Collector<T>(TestApp app, string instrument) where T : struct
        => new(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Meter, instrument);
}
