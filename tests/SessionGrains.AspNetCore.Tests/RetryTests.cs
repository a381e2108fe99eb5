using System.Text;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// Transient cluster failures are retried within the call budget, each write with one operation ID, so a request that
/// would have failed succeeds and nothing is applied twice; refused writes and spent budgets still answer loudly.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class RetryTests(FrontEndCluster cluster) : IDisposable
{
    private SessionCallFaults Faults => cluster.Silo.Faults;

    public void Dispose() => Faults.Disarm();

    [Fact]
    public async Task An_increment_whose_acknowledgement_is_lost_is_retried_and_counted_once()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1"));

        Faults.Arm("IncrementAsync", SessionFault.LoseAcknowledgement);
        var incremented = await app.PostAsync("/increment?key=n", cookie);

        Assert.Equal(HttpStatusCode.OK, incremented.StatusCode);
        Assert.Equal("1", await incremented.Content.ReadAsStringAsync());
        Assert.Equal(2, Faults.CallsOf("IncrementAsync"));
        var stored = await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookie));
        Assert.Equal(("1", 2L), (Encoding.UTF8.GetString(stored!.Data["n"]), stored.Version));
        Assert.Equal(stored.Operations[^1].Id, Assert.Single(stored.RetriedOperations).Id); // the second attempt said it was one
        Assert.Equal("1", await (await app.GetAsync("/get?key=n", cookie)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_change_whose_acknowledgement_is_lost_is_stored_once_and_read_back()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1"));
        Assert.Equal("1", await (await app.GetAsync("/get?key=a", cookie)).Content.ReadAsStringAsync()); // cached under a lease

        Faults.Arm("ApplyAsync", SessionFault.LoseAcknowledgement);
        var changed = await app.PostAsync("/set?key=a&value=2", cookie);
        var read = await app.GetAsync("/get?key=a", cookie);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(2, Faults.CallsOf("ApplyAsync"));
        Assert.Equal("2", await read.Content.ReadAsStringAsync());
        Assert.Equal(2, (await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookie)))!.Version);
    }

    [Fact]
    public async Task A_new_session_whose_creation_lost_its_acknowledgement_is_issued_once()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        Faults.Arm("CreateAsync", SessionFault.LoseAcknowledgement);

        var created = await app.PostAsync("/set?key=a&value=1");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(2, Faults.CallsOf("CreateAsync"));
        var cookie = TestApp.CookieToSend(created);
        Assert.Equal(1, (await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookie)))!.Version);
        Assert.Equal("1", await (await app.GetAsync("/get?key=a", cookie)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_new_session_s_first_increment_creates_it_holding_the_sum_in_one_grain_call()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        Faults.Disarm(); // counts from here

        var created = await app.PostAsync("/increment?key=n");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("1", await created.Content.ReadAsStringAsync());
        Assert.Equal((1, 0), (Faults.CallsOf("CreateAsync"), Faults.CallsOf("IncrementAsync")));
        var cookie = TestApp.CookieToSend(created);
        var stored = await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookie));
        Assert.Equal(("1", 1L), (Encoding.UTF8.GetString(stored!.Data["n"]), stored.Version));
        Assert.Equal("2", await (await app.PostAsync("/increment?key=n", cookie)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_new_session_whose_creation_with_an_increment_lost_its_acknowledgement_counts_once()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        Faults.Arm("CreateAsync", SessionFault.LoseAcknowledgement);

        var created = await app.PostAsync("/increment?key=n");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("1", await created.Content.ReadAsStringAsync());
        Assert.Equal(2, Faults.CallsOf("CreateAsync"));
        var stored = await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(TestApp.CookieToSend(created)));
        Assert.Equal(("1", 1L), (Encoding.UTF8.GetString(stored!.Data["n"]), stored.Version));
    }

    [Fact]
    public async Task A_regeneration_whose_acknowledgement_is_lost_moves_the_session_once()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var oldCookie = TestApp.CookieToSend(await app.PostAsync("/set?key=user&value=ada"));

        Faults.Arm("RegenerateAsync", SessionFault.LoseAcknowledgement);
        var regenerated = await app.PostAsync("/regenerate?keep=true", oldCookie);

        Assert.Equal(HttpStatusCode.OK, regenerated.StatusCode);
        Assert.Equal(2, Faults.CallsOf("RegenerateAsync"));
        var newCookie = TestApp.CookieToSend(regenerated);
        Assert.Equal("ada", await (await app.GetAsync("/get?key=user", newCookie)).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/get?key=user", oldCookie)).StatusCode);
        Assert.Null(await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(oldCookie)));
    }

    [Fact]
    public async Task A_call_that_stalls_past_its_deadline_is_cancelled_retried_and_applied_once()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Calls.Timeout = TimeSpan.FromMilliseconds(300));
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1"));

        Faults.Arm("IncrementAsync", SessionFault.Stall, stall: TimeSpan.FromSeconds(1));
        var incremented = await app.PostAsync("/increment?key=n", cookie);

        Assert.Equal(HttpStatusCode.OK, incremented.StatusCode);
        Assert.Equal("1", await incremented.Content.ReadAsStringAsync());
        // The stalled attempt ran late and a retry found it; on a loaded machine a retry may itself miss its deadline first.
        Assert.InRange(Faults.CallsOf("IncrementAsync"), 2, 4);
        Assert.Equal("1", Encoding.UTF8.GetString((await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookie)))!.Data["n"]));
    }

    [Fact]
    public async Task A_refused_write_is_answered_without_a_retry()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e =>
        {
            TestApp.MapSessionEndpoints(e);
            e.MapPost("/set-big", (HttpContext c) => { c.Session.Set("big", new byte[300_000]); return "set"; });
        });
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1"));
        Faults.Disarm(); // counts from here

        var refused = await app.PostAsync("/set-big", cookie);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(1, Faults.CallsOf("ApplyAsync"));
    }

    [Fact]
    public async Task When_every_attempt_fails_the_request_answers_503_after_the_configured_attempts()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Calls.MaxAttempts = 3);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1"));

        Faults.Arm("IncrementAsync", SessionFault.RejectBeforeRunning, count: 100);
        var failed = await app.PostAsync("/increment?key=n", cookie);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(3, Faults.CallsOf("IncrementAsync"));
        Assert.False((await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookie)))!.Data.ContainsKey("n"));
    }

    [Fact]
    public async Task A_thousand_concurrent_increments_with_injected_failures_end_at_exactly_a_thousand()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Calls.RetryDeadline = TimeSpan.FromSeconds(10));
        var cookies = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(async _ => TestApp.CookieToSend(await app.PostAsync("/set?key=a&value=1"))));

        Faults.ArmRandom(probability: 0.1); // every call: 5 % lose their acknowledgement, 5 % are rejected
        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            var response = await app.PostAsync("/increment?key=n", cookies[i % cookies.Length]);
            return (Session: i % cookies.Length, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        var faulted = Faults.CallsOf("IncrementAsync") - 1000;
        Faults.Disarm();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(faulted > 0, "no increment was faulted");
        foreach (var session in responses.GroupBy(r => r.Session))
        {
            Assert.Equal(Enumerable.Range(1, 20), session.Select(r => int.Parse(r.Body)).Order()); // each value answered once
            var stored = await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(cookies[session.Key]));
            Assert.Equal("20", Encoding.UTF8.GetString(stored!.Data["n"]));
        }
    }
}
