using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionGrains.AspNetCore;

// The front end's instruments, on a meter from the app's IMeterFactory.
internal sealed class SessionFrontEndMetrics
{
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failedRequests;
    private readonly Counter<long> _rejectedCookies;
    private readonly Counter<long> _leaseLookups;

    public SessionFrontEndMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SessionGrainsTelemetry.FrontEndMeterName);
        _callDuration = meter.CreateHistogram(
            "sessiongrains.store.call.duration", "s", "Duration of the front end's calls to the session cluster, retries included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _retries = meter.CreateCounter<long>("sessiongrains.store.call.retries", "{retry}", "Calls to the session cluster sent again after a transient failure.");
        _failedRequests = meter.CreateCounter<long>(
            "sessiongrains.requests.failed", "{request}", "Requests answered 503 (cluster unavailable), 413 (data too large) or 409 (user's session limit) by the session layer.");
        _rejectedCookies = meter.CreateCounter<long>(
            "sessiongrains.cookies.rejected", "{cookie}", "Presented session IDs not used: malformed, with a bad signature, or naming no live session.");
        _leaseLookups = meter.CreateCounter<long>("sessiongrains.read_lease.lookups", "{lookup}", "Loads looked up in the read-lease cache, by hit or miss.");
    }

    public void CallEnded(string operation, TimeSpan elapsed, bool failed)
    {
        if (_callDuration.Enabled)
        {
            var tags = new TagList { { "sessiongrains.operation", operation } };
            if (failed)
            {
                tags.Add("error.type", "unavailable");
            }

            _callDuration.Record(elapsed.TotalSeconds, tags);
        }
    }

    public void CallRetried(string operation) => _retries.Add(1, new KeyValuePair<string, object?>("sessiongrains.operation", operation));

    public void RequestFailed(int statusCode) => _failedRequests.Add(1, new KeyValuePair<string, object?>("http.response.status_code", statusCode));

    public void CookieRejected(SessionCookieRejection reason) => _rejectedCookies.Add(1, new KeyValuePair<string, object?>("sessiongrains.rejection.reason", reason switch
    {
        SessionCookieRejection.Malformed => "malformed",
        SessionCookieRejection.BadSignature => "bad_signature",
        _ => "no_session",
    }));

    public void ReadLeaseLookup(bool hit) => _leaseLookups.Add(1, new KeyValuePair<string, object?>("sessiongrains.read_lease.result", hit ? "hit" : "miss"));
}
