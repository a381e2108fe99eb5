using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// The Idempotency-Key header on endpoints that honour it: a retry is answered the recorded response and applies its
/// session change once, whichever front end it reaches and whether or not the first attempt's response was recorded; a
/// duplicate in flight gets 409, the key on another request 422, a malformed key 400; without the header, or on other
/// endpoints, nothing changes.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class IdempotencyKeyTests(FrontEndCluster cluster) : IDisposable
{
    private const string Key = "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"";

    private SessionCallFaults Faults => cluster.Silo.Faults;

    public void Dispose() => Faults.Disarm();

    [Fact]
    public async Task A_retry_is_answered_the_recorded_response_and_applies_the_change_once()
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);

        var first = await app.PostAsync("/keyed/increment?key=n", cookie, WithKey(Key));
        Faults.Disarm(); // counts from here
        var retry = await app.PostAsync("/keyed/increment?key=n", cookie, WithKey(Key));

        Assert.Equal((HttpStatusCode.Created, "2"), (first.StatusCode, await first.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.Created, "2"), (retry.StatusCode, await retry.Content.ReadAsStringAsync()));
        Assert.Equal("2", Assert.Single(retry.Headers.GetValues("X-Count")));
        Assert.Equal("text/plain; charset=utf-8", retry.Content.Headers.ContentType!.ToString());
        Assert.Equal(0, Faults.CallsOf("IncrementAsync"));
        Assert.Equal("2", await ReadAsync(app, cookie, "n"));
        var stored = await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookie));
        Assert.Equal("2", Encoding.UTF8.GetString(Assert.Single(stored!.Requests).Response.Body)); // durable, not only in memory
    }

    [Fact]
    public async Task A_different_key_is_a_different_request()
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);

        await app.PostAsync("/keyed/increment?key=n", cookie, WithKey("\"a\""));
        var other = await app.PostAsync("/keyed/increment?key=n", cookie, WithKey("\"b\""));

        Assert.Equal("3", await other.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_retry_whose_first_attempt_answered_a_server_error_runs_again_and_applies_its_session_write_once()
    {
        var failures = 1;
        await using var app = await StartAsync(endpoints: e => e.MapPost("/keyed/flaky", async (HttpContext c) =>
        {
            var count = await c.GetGrainSession().IncrementAsync("n");
            return Interlocked.Decrement(ref failures) >= 0 ? Results.StatusCode(502) : Results.Text(count.ToString());
        }).WithSessionIdempotency());
        var cookie = await NewSessionAsync(app);

        var failed = await app.PostAsync("/keyed/flaky", cookie, WithKey(Key));
        var retry = await app.PostAsync("/keyed/flaky", cookie, WithKey(Key));
        var again = await app.PostAsync("/keyed/flaky", cookie, WithKey(Key));

        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal("2", await retry.Content.ReadAsStringAsync()); // the increment of the first attempt, not a second one
        Assert.Equal("2", await again.Content.ReadAsStringAsync());
        Assert.Equal("2", await ReadAsync(app, cookie, "n"));
    }

    [Fact]
    public async Task A_response_too_large_to_record_is_streamed_and_its_retry_applies_the_change_once()
    {
        await using var app = await StartAsync(o => o.IdempotencyKeys.MaxRecordedBodyBytes = 4, e => e.MapPost("/keyed/long", async (HttpContext c) =>
            $"count {await c.GetGrainSession().IncrementAsync("n")}, in a body longer than four bytes").WithSessionIdempotency());
        var cookie = await NewSessionAsync(app);

        var first = await app.PostAsync("/keyed/long", cookie, WithKey(Key));
        var retry = await app.PostAsync("/keyed/long", cookie, WithKey(Key));

        Assert.StartsWith("count 2,", await first.Content.ReadAsStringAsync());
        Assert.StartsWith("count 2,", await retry.Content.ReadAsStringAsync());
        Assert.Equal("2", await ReadAsync(app, cookie, "n"));
    }

    [Fact]
    public async Task A_duplicate_sent_while_the_first_attempt_runs_is_answered_409_and_later_the_recorded_response()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartAsync(endpoints: e => e.MapPost("/keyed/slow", async (HttpContext c) =>
        {
            var count = await c.GetGrainSession().IncrementAsync("n");
            entered.TrySetResult();
            await release.Task;
            return count.ToString();
        }).WithSessionIdempotency());
        var cookie = await NewSessionAsync(app);

        var first = app.PostAsync("/keyed/slow", cookie, WithKey(Key));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var duplicate = await app.PostAsync("/keyed/slow", cookie, WithKey(Key));
        release.SetResult();
        var done = await first;
        var retry = await app.PostAsync("/keyed/slow", cookie, WithKey(Key));

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("application/problem+json", duplicate.Content.Headers.ContentType!.MediaType);
        Assert.Equal("1", Assert.Single(duplicate.Headers.GetValues("Retry-After")));
        Assert.Equal("2", await done.Content.ReadAsStringAsync());
        Assert.Equal("2", await retry.Content.ReadAsStringAsync());
        Assert.Equal("2", await ReadAsync(app, cookie, "n"));
    }

    [Fact]
    public async Task A_claim_whose_front_end_died_after_writing_lapses_and_the_retry_on_another_front_end_applies_nothing_again()
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);
        var sessionId = TestApp.SessionIdOf(cookie);
        var session = cluster.Grains.GetGrain<ISessionGrain>(sessionId);

        // What a front end that crashed mid-request leaves: its claim, and the increment it made with the derived operation ID.
        var sent = new DefaultHttpContext().Request; // a bodiless POST /keyed/increment?key=n, as the retry sends it
        sent.Method = "POST";
        sent.Path = "/keyed/increment";
        sent.QueryString = new QueryString("?key=n");
        var crashed = new IdempotentRequest(sessionId, Key.Trim('"'), await IdempotentRequest.FingerprintAsync(sent, CancellationToken.None));
        var claim = await session.ClaimRequestAsync(crashed.Key, crashed.Fingerprint, crashed.Attempt, TimeSpan.FromSeconds(3));
        await session.IncrementAsync("n", 1, operationId: crashed.OperationId(1, SessionWriteKind.Increment));

        var whileClaimed = await app.PostAsync("/keyed/increment?key=n", cookie, WithKey(Key));
        cluster.Silo.Clock.Advance(TimeSpan.FromSeconds(4));
        var afterLapse = await app.PostAsync("/keyed/increment?key=n", cookie, WithKey(Key));

        Assert.Equal(SessionRequestClaimStatus.Claimed, claim.Status);
        Assert.Equal(HttpStatusCode.Conflict, whileClaimed.StatusCode);
        Assert.Equal((HttpStatusCode.Created, "2"), (afterLapse.StatusCode, await afterLapse.Content.ReadAsStringAsync()));
        Assert.Equal("2", await ReadAsync(app, cookie, "n"));
    }

    [Fact]
    public async Task A_retry_reaching_another_front_end_is_answered_the_recorded_response()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var cookie = await NewSessionAsync(first);

        var answered = await first.PostAsync("/keyed/increment?key=n", cookie, WithKey(Key));
        var retry = await second.PostAsync("/keyed/increment?key=n", cookie, WithKey(Key));

        Assert.Equal("2", await answered.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode.Created, "2"), (retry.StatusCode, await retry.Content.ReadAsStringAsync()));
        Assert.Equal("2", await ReadAsync(second, cookie, "n"));
    }

    [Fact]
    public async Task A_recording_whose_acknowledgement_is_lost_is_retried_and_the_response_answered_again()
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);
        Faults.Arm("RecordResponseAsync", SessionFault.LoseAcknowledgement);

        var first = await app.PostAsync("/keyed/increment?key=n", cookie, WithKey(Key));
        var retry = await app.PostAsync("/keyed/increment?key=n", cookie, WithKey(Key));

        Assert.Equal(2, Faults.CallsOf("RecordResponseAsync"));
        Assert.Equal(("2", "2"), (await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync()));
        Assert.Equal("2", await ReadAsync(app, cookie, "n"));
    }

    [Theory]
    [InlineData("/keyed/set?key=a&value=2", "")]
    [InlineData("/keyed/set?key=a&value=1", "another body")]
    public async Task The_key_sent_with_another_request_is_answered_422_and_changes_nothing(string path, string body)
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);
        var first = await app.PostAsync("/keyed/set?key=a&value=1", cookie, WithKey(Key));

        var reused = await app.PostAsync(path, cookie, request =>
        {
            WithKey(Key)(request);
            request.Content = new StringContent(body);
        });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Idempotency-Key is already used", await reused.Content.ReadAsStringAsync());
        Assert.Equal("1", await ReadAsync(app, cookie, "a"));
    }

    [Theory]
    [InlineData("8e03978e-40d5-43e8-bc93-6894a57f9324")] // a token, not a string
    [InlineData("\"\"")]
    [InlineData("\"unterminated")]
    [InlineData("\"a\", \"b\"")]
    [InlineData("\"tab\there\"")]
    public async Task A_malformed_key_is_answered_400_and_the_request_does_not_run(string value)
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);

        var refused = await app.PostAsync("/keyed/increment?key=n", cookie, r => r.Headers.TryAddWithoutValidation("Idempotency-Key", value));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Equal("1", await ReadAsync(app, cookie, "n"));
    }

    [Fact]
    public async Task Two_key_fields_are_answered_400()
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);

        var refused = await app.PostAsync("/keyed/increment?key=n", cookie, r =>
        {
            r.Headers.TryAddWithoutValidation("Idempotency-Key", "\"a\"");
            r.Headers.TryAddWithoutValidation("Idempotency-Key", "\"b\"");
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Without_the_header_every_request_applies_and_no_claim_is_made()
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);
        Faults.Disarm();

        await app.PostAsync("/keyed/increment?key=n", cookie);
        var second = await app.PostAsync("/keyed/increment?key=n", cookie);

        Assert.Equal("3", await second.Content.ReadAsStringAsync());
        Assert.Equal(0, Faults.CallsOf("ClaimRequestAsync"));
    }

    [Fact]
    public async Task An_endpoint_that_does_not_opt_in_ignores_the_key()
    {
        await using var app = await StartAsync();
        var cookie = await NewSessionAsync(app);
        Faults.Disarm();

        await app.PostAsync("/increment?key=n", cookie, WithKey(Key));
        var second = await app.PostAsync("/increment?key=n", cookie, WithKey(Key));

        Assert.Equal("3", await second.Content.ReadAsStringAsync());
        Assert.Equal(0, Faults.CallsOf("ClaimRequestAsync"));
    }

    [Fact]
    public async Task The_global_option_covers_unsafe_requests_except_on_endpoints_that_opt_out()
    {
        await using var app = await StartAsync(o => o.IdempotencyKeys.AllUnsafeRequests = true, e =>
            e.MapPost("/opted-out/increment", async Task<string> (HttpContext c) => (await c.GetGrainSession().IncrementAsync("m")).ToString()).WithSessionIdempotency(false));
        var cookie = await NewSessionAsync(app);

        await app.PostAsync("/increment?key=n", cookie, WithKey(Key));
        var retried = await app.PostAsync("/increment?key=n", cookie, WithKey(Key));
        await app.PostAsync("/opted-out/increment", cookie, WithKey("\"other\""));
        var optedOut = await app.PostAsync("/opted-out/increment", cookie, WithKey("\"other\""));

        Assert.Equal("2", await retried.Content.ReadAsStringAsync());
        Assert.Equal("2", await optedOut.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_request_without_a_session_runs_as_if_it_had_no_key()
    {
        await using var app = await StartAsync();
        Faults.Disarm();

        var created = await app.PostAsync("/keyed/increment?key=n", configure: WithKey(Key));

        Assert.Equal((HttpStatusCode.Created, "1"), (created.StatusCode, await created.Content.ReadAsStringAsync()));
        Assert.Equal("1", await ReadAsync(app, TestApp.CookieToSend(created), "n"));
        Assert.Equal(0, Faults.CallsOf("ClaimRequestAsync"));
    }

    /// <summary>The default endpoints, /keyed/increment?key (201, X-Count) and /keyed/set?key&amp;value honouring the key, and <paramref name="endpoints"/>.</summary>
    private Task<TestApp> StartAsync(Action<SessionFrontEndOptions>? configure = null, Action<IEndpointRouteBuilder>? endpoints = null)
        => TestApp.StartAsync(cluster.Grains, configure, app =>
        {
            TestApp.MapSessionEndpoints(app);
            app.MapPost("/keyed/increment", async (HttpContext c, string key) =>
            {
                var count = (await c.GetGrainSession().IncrementAsync(key)).ToString();
                c.Response.Headers["X-Count"] = count;
                return Results.Text(count, statusCode: StatusCodes.Status201Created);
            }).WithSessionIdempotency();
            app.MapPost("/keyed/set", (HttpContext c, string key, string value) =>
            {
                c.Session.SetString(key, value);
                return "set";
            }).WithSessionIdempotency();
            endpoints?.Invoke(app);
        });

    private static async Task<string> NewSessionAsync(TestApp app) => TestApp.CookieToSend(await app.PostAsync("/increment?key=n"));

    private static async Task<string> ReadAsync(TestApp app, string cookie, string key) => await (await app.GetAsync($"/get?key={key}", cookie)).Content.ReadAsStringAsync();

    private static Action<HttpRequestMessage> WithKey(string key) => request => request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
}
