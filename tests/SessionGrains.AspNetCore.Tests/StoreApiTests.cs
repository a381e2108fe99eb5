using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Net.Http.Headers;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// The HTTP/JSON session API for front ends that are not .NET (MapSessionStoreApi): bearer tokens, each call's answers
/// and error codes, exactly-once writes with the caller's operation ID, and sessions shared with the ASP.NET middleware.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class StoreApiTests(FrontEndCluster cluster) : IDisposable
{
    private const string Token = "store-api-test-token-0123456789abcdef";
    private const string OldToken = "store-api-old-token-0123456789abcdefgh";
    private const string Base = "/session-store";

    public void Dispose() => cluster.Silo.Faults.Disarm();

    private sealed record Cart(List<string> Items);

    private Task<TestApp> StartAsync(
        string[]? tokens = null,
        Action<SessionFrontEndOptions>? configure = null,
        Action<IEndpointRouteBuilder>? endpoints = null,
        FakeLogCollector? logs = null)
        => TestApp.StartAsync(cluster.Grains, configure, e =>
        {
            TestApp.MapSessionEndpoints(e);
            e.MapGet("/cart", async (HttpContext c) =>
            {
                await c.Session.LoadAsync();
                return c.GetGrainSession().Get<Cart>("cart") is { } cart ? Results.Json(cart) : Results.NotFound();
            });
            e.MapPost("/cart", (HttpContext c, string item) =>
            {
                c.GetGrainSession().Set("cart", new Cart([item]));
                return c.Session.Id;
            });
            endpoints?.Invoke(e);
            e.MapSessionStoreApi();
        }, services: s =>
        {
            s.AddSessionStoreApi(o => o.Tokens = tokens ?? [Token]);
            if (logs is not null)
            {
                s.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace));
            }
        });

    private static Task<HttpResponseMessage> CallAsync(TestApp app, HttpMethod method, string path, object? body = null, string? token = Token)
        => app.SendAsync(method, Base + path, configure: request =>
        {
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (body is not null)
            {
                request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            }
        });

    private static async Task<JsonNode> JsonOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await JsonOf(response, status);
        Assert.Equal(code, (string?)body["error"]);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
    }

    private static string NewOperation() => Guid.NewGuid().ToString();

    private static async Task<string> CreateAsync(TestApp app, object? values = null)
    {
        var id = SessionTestSilo.NewSessionId();
        var created = await CallAsync(app, HttpMethod.Put, $"/sessions/{id}", new { operationId = NewOperation(), values = values ?? new { user = "\"ada\"" } });
        Assert.Equal(1L, (long)(await JsonOf(created, HttpStatusCode.Created))["version"]!);
        return id;
    }

    private static string CookieFor(string id) => $"connect.sid={Uri.EscapeDataString(new SessionCookieSigner([TestApp.Secret]).Sign(id))}";

    private async Task<string> StoredText(string id, string key)
        => Encoding.UTF8.GetString((await cluster.ReadStoredRecordAsync(id))!.Data[key]);

    [Fact]
    public async Task Every_call_needs_a_configured_bearer_token()
    {
        await using var rotating = await StartAsync(tokens: [Token, OldToken]);
        await using var rotated = await StartAsync(tokens: [Token]);
        var id = await CreateAsync(rotating);

        var missing = await CallAsync(rotated, HttpMethod.Get, $"/sessions/{id}", token: null);
        var wrong = await CallAsync(rotated, HttpMethod.Get, $"/sessions/{id}", token: Token + "x");
        var rotatedOut = await CallAsync(rotated, HttpMethod.Delete, $"/sessions/{id}", token: OldToken);
        var stillAccepted = await CallAsync(rotating, HttpMethod.Get, $"/sessions/{id}", token: OldToken);
        var basic = await rotated.SendAsync(HttpMethod.Get, $"{Base}/sessions/{id}", configure: r => r.Headers.Authorization = new("Basic", Token));

        foreach (var refused in new[] { missing, wrong, rotatedOut, basic })
        {
            await AssertError(refused, HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        }

        Assert.Equal(HttpStatusCode.OK, stillAccepted.StatusCode);
        Assert.NotNull(await cluster.ReadStoredRecordAsync(id)); // the refused DELETE did nothing
    }

    [Fact]
    public async Task A_lease_stream_needs_the_token_and_a_duration_of_1_to_10000_ms_and_an_unknown_lease_key_loads_without_a_lease()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app);

        await AssertError(await CallAsync(app, HttpMethod.Post, "/leases?durationMs=1000", token: null), HttpStatusCode.Unauthorized, "unauthorized");
        foreach (var duration in new[] { "0", "10001", "x", "" })
        {
            await AssertError(await CallAsync(app, HttpMethod.Post, $"/leases?durationMs={duration}"), HttpStatusCode.BadRequest, "invalid_request");
        }

        var loaded = await JsonOf(await CallAsync(app, HttpMethod.Get, $"/sessions/{id}?lease=not-a-stream-of-this-host"), HttpStatusCode.OK);
        Assert.Equal("\"ada\"", (string?)loaded["values"]!["user"]);
        Assert.Null(loaded["leaseMs"]); // no stream with that key here: no lease, so the caller keeps no copy
    }

    [Fact]
    public async Task Without_a_token_the_api_is_not_mapped()
    {
        var logs = new FakeLogCollector();
        await using var app = await StartAsync(tokens: [], logs: logs);

        var response = await CallAsync(app, HttpMethod.Get, $"/sessions/{SessionTestSilo.NewSessionId()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync()); // no endpoint answered
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 1500);
    }

    [Fact]
    public async Task The_path_prefix_moves_the_api()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: e => e.MapSessionStoreApi(),
            services: s => s.AddSessionStoreApi(o => (o.Tokens, o.PathPrefix) = ([Token], "/internal/sessions-api")));
        var id = SessionTestSilo.NewSessionId();

        var created = await app.SendAsync(HttpMethod.Put, $"/internal/sessions-api/sessions/{id}", configure: r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            r.Content = new StringContent("{\"values\":{\"a\":\"1\"}}", Encoding.UTF8, "application/json");
        });
        var atDefault = await CallAsync(app, HttpMethod.Get, $"/sessions/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, atDefault.StatusCode);
        Assert.Equal("", await atDefault.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_shorter_than_32_characters_fails_startup()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartAsync(tokens: ["short"]));

        Assert.Contains("Tokens", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_answers_201_then_409_for_a_live_id_and_a_repeated_operation_answers_its_first_result()
    {
        await using var app = await StartAsync();
        var id = SessionTestSilo.NewSessionId();
        var operation = NewOperation();
        var body = new { operationId = operation, values = new { n = "5" }, binary = new { raw = Convert.ToBase64String([0xff, 0x00]) }, idleTimeoutSeconds = 600, absoluteTimeoutSeconds = 3600 };

        var created = await CallAsync(app, HttpMethod.Put, $"/sessions/{id}", body);
        var repeated = await CallAsync(app, HttpMethod.Put, $"/sessions/{id}", body);
        var taken = await CallAsync(app, HttpMethod.Put, $"/sessions/{id}", new { operationId = NewOperation(), values = new { n = "6" } });

        Assert.Equal(1L, (long)(await JsonOf(created, HttpStatusCode.Created))["version"]!);
        Assert.Equal(1L, (long)(await JsonOf(repeated, HttpStatusCode.Created))["version"]!);
        await AssertError(taken, HttpStatusCode.Conflict, "already_exists");
        var stored = await cluster.ReadStoredRecordAsync(id);
        Assert.Equal(("5", 1L), (Encoding.UTF8.GetString(stored!.Data["n"]), stored.Version));
        Assert.Equal([0xff, 0x00], stored.Data["raw"]);
        Assert.Equal(TimeSpan.FromMinutes(10), stored.IdleTimeout);
        Assert.Equal<DateTimeOffset?>(stored.CreatedAt + TimeSpan.FromHours(1), stored.AbsoluteExpiresAt);
    }

    [Fact]
    public async Task Create_without_timeouts_takes_the_hosts()
    {
        await using var app = await StartAsync(configure: o => o.IdleTimeout = TimeSpan.FromMinutes(7));

        var id = await CreateAsync(app);

        Assert.Equal(TimeSpan.FromMinutes(7), (await cluster.ReadStoredRecordAsync(id))!.IdleTimeout);
    }

    [Fact]
    public async Task Load_answers_text_values_binary_values_the_version_and_the_user()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app, new { cart = "{\"items\":[\"pear\"]}", name = "Zoë <b>" });
        await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", new { operationId = NewOperation(), binary = new { raw = "gA==" } });

        var response = await CallAsync(app, HttpMethod.Get, $"/sessions/{id}");
        var raw = await response.Content.ReadAsStringAsync();
        var loaded = await JsonOf(response, HttpStatusCode.OK);
        var unknown = await CallAsync(app, HttpMethod.Get, $"/sessions/{SessionTestSilo.NewSessionId()}");

        Assert.Equal(2L, (long)loaded["version"]!);
        Assert.Equal("{\"items\":[\"pear\"]}", (string?)loaded["values"]!["cart"]);
        Assert.Equal("Zoë <b>", (string?)loaded["values"]!["name"]);
        Assert.Equal("gA==", (string?)loaded["binary"]!["raw"]);
        Assert.Null(loaded["values"]!["raw"]);
        Assert.Null(loaded["user"]);
        Assert.Contains("\"Zoë <b>\"", raw, StringComparison.Ordinal); // no HTML-safe \u escapes: the body goes to a server
        await AssertError(unknown, HttpStatusCode.NotFound, "no_session");
    }

    [Fact]
    public async Task Apply_sets_and_removes_keys_and_never_recreates_an_ended_session()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app, new { a = "1", b = "2", c = "3" });

        var applied = await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", new { operationId = NewOperation(), removals = new[] { "a" }, values = new { b = "20", d = "\"x\"" } });
        var cleared = await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", new { operationId = NewOperation(), clear = true, values = new { e = "5" } });
        var gone = SessionTestSilo.NewSessionId();
        var noSession = await CallAsync(app, HttpMethod.Patch, $"/sessions/{gone}", new { operationId = NewOperation(), values = new { a = "1" } });

        Assert.Equal(2L, (long)(await JsonOf(applied, HttpStatusCode.OK))["version"]!);
        Assert.Equal(3L, (long)(await JsonOf(cleared, HttpStatusCode.OK))["version"]!);
        Assert.Equal(["e"], (await cluster.ReadStoredRecordAsync(id))!.Data.Keys);
        await AssertError(noSession, HttpStatusCode.NotFound, "no_session");
        Assert.Null(await cluster.ReadStoredRecordAsync(gone));
    }

    [Fact]
    public async Task A_change_over_the_session_limit_answers_413_and_stores_nothing()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app);

        var tooBig = await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", new { operationId = NewOperation(), values = new { big = new string('x', 300_000), small = "1" } });
        var tooBigNew = await CallAsync(app, HttpMethod.Put, $"/sessions/{SessionTestSilo.NewSessionId()}", new { operationId = NewOperation(), values = new { big = new string('x', 300_000) } });

        await AssertError(tooBig, HttpStatusCode.RequestEntityTooLarge, "limit_exceeded");
        await AssertError(tooBigNew, HttpStatusCode.RequestEntityTooLarge, "limit_exceeded");
        var stored = await cluster.ReadStoredRecordAsync(id);
        Assert.Equal(["user"], stored!.Data.Keys);
        Assert.Equal(1L, stored.Version);
    }

    [Fact]
    public async Task A_new_session_ID_too_short_to_hold_128_random_bits_is_refused()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app);
        var shortId = SessionTestSilo.NewSessionId()[..21];

        await AssertError(await CallAsync(app, HttpMethod.Put, $"/sessions/{shortId}", new { operationId = NewOperation() }), HttpStatusCode.BadRequest, "invalid_request");
        await AssertError(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/regenerate", new { newId = shortId, keepData = true, operationId = NewOperation() }), HttpStatusCode.BadRequest, "invalid_request");
        Assert.Null(await cluster.ReadStoredRecordAsync(shortId));
        Assert.Equal(1L, (await cluster.ReadStoredRecordAsync(id))!.Version);
    }

    [Theory]
    [InlineData("{bad json")]
    [InlineData("{\"values\":{\"a\":null}}")]
    [InlineData("{\"binary\":{\"a\":\"not base64!\"}}")]
    [InlineData("{\"values\":{\"a\":\"1\"},\"binary\":{\"a\":\"AA==\"}}")]
    [InlineData("{\"operationId\":\"not-a-guid\"}")]
    [InlineData("{\"removals\":[null]}")]
    public async Task An_invalid_change_answers_400(string body)
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app);

        await AssertError(await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", body), HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(1L, (await cluster.ReadStoredRecordAsync(id))!.Version);
    }

    [Fact]
    public async Task A_repeated_change_with_the_same_operation_id_applies_once()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app, new { x = "0" });
        var first = new { operationId = NewOperation(), values = new { x = "1" } };

        var applied = await JsonOf(await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", first), HttpStatusCode.OK);
        await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", new { operationId = NewOperation(), values = new { x = "2" } });
        var repeated = await JsonOf(await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", first), HttpStatusCode.OK);

        Assert.Equal(2L, (long)applied["version"]!);
        Assert.Equal(2L, (long)repeated["version"]!); // the first result, and x keeps the later write
        var stored = await cluster.ReadStoredRecordAsync(id);
        Assert.Equal(("2", 3L), (Encoding.UTF8.GetString(stored!.Data["x"]), stored.Version));
    }

    [Fact]
    public async Task Increment_adds_once_per_operation_id_and_refuses_a_value_that_is_no_integer()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app, new { n = "5", text = "\"five\"" });
        var once = new { key = "n", delta = 2, operationId = NewOperation() };

        var incremented = await JsonOf(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/increment", once), HttpStatusCode.OK);
        var repeated = await JsonOf(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/increment", once), HttpStatusCode.OK);
        var notInteger = await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/increment", new { key = "text", delta = 1, operationId = NewOperation() });
        var noSession = await CallAsync(app, HttpMethod.Post, $"/sessions/{SessionTestSilo.NewSessionId()}/increment", new { key = "n", delta = 1, operationId = NewOperation() });

        Assert.Equal((7L, 2L), ((long)incremented["value"]!, (long)incremented["version"]!));
        Assert.Equal((7L, 2L), ((long)repeated["value"]!, (long)repeated["version"]!));
        await AssertError(notInteger, HttpStatusCode.BadRequest, "invalid_request");
        await AssertError(noSession, HttpStatusCode.NotFound, "no_session");
        Assert.Equal(("7", 2L), (await StoredText(id, "n"), (await cluster.ReadStoredRecordAsync(id))!.Version));
    }

    [Fact]
    public async Task A_write_whose_acknowledgement_was_lost_is_applied_once_when_the_caller_retries_it()
    {
        await using var app = await StartAsync(configure: o => o.Calls.MaxAttempts = 1);
        var id = await CreateAsync(app, new { n = "1" });
        var increment = new IncrementBody("n", 1, NewOperation(), Retried: false);

        cluster.Silo.Faults.Arm("IncrementAsync", SessionFault.LoseAcknowledgement);
        var dropped = await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/increment", increment);
        var retried = await JsonOf(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/increment", increment with { Retried = true }), HttpStatusCode.OK);

        await AssertError(dropped, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal((2L, 2L), ((long)retried["value"]!, (long)retried["version"]!));
        Assert.Equal("2", await StoredText(id, "n"));
        var stored = await cluster.ReadStoredRecordAsync(id); // marked as a retry: kept beyond the newest writes
        Assert.Equal(Guid.Parse(increment.OperationId), Assert.Single(stored!.RetriedOperations).Id);
    }

    [Fact]
    public async Task Destroy_answers_204_every_time()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app);

        var destroyed = await CallAsync(app, HttpMethod.Delete, $"/sessions/{id}");
        var again = await CallAsync(app, HttpMethod.Delete, $"/sessions/{id}");
        var unknown = await CallAsync(app, HttpMethod.Delete, $"/sessions/{SessionTestSilo.NewSessionId()}");

        Assert.All(new[] { destroyed, again, unknown }, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Null(await cluster.ReadStoredRecordAsync(id));
        await AssertError(await CallAsync(app, HttpMethod.Get, $"/sessions/{id}"), HttpStatusCode.NotFound, "no_session");
    }

    [Fact]
    public async Task A_session_written_through_the_api_is_read_by_the_middleware_and_the_reverse()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app, new { cart = "{\"items\":[\"apple\"]}", n = "41" });
        var cookie = CookieFor(id);

        var cart = await (await app.GetAsync("/cart", cookie)).Content.ReadAsStringAsync();
        var counted = await (await app.PostAsync("/increment?key=n", cookie)).Content.ReadAsStringAsync();
        await app.PostAsync("/cart?item=plum", cookie);
        await app.PostAsync("/set?key=greeting&value=hello", cookie);
        var loaded = await JsonOf(await CallAsync(app, HttpMethod.Get, $"/sessions/{id}"), HttpStatusCode.OK);

        Assert.Equal("{\"items\":[\"apple\"]}", cart);
        Assert.Equal("42", counted);
        Assert.Equal("{\"items\":[\"plum\"]}", (string?)loaded["values"]!["cart"]);
        Assert.Equal("42", (string?)loaded["values"]!["n"]);
        Assert.Equal("hello", (string?)loaded["values"]!["greeting"]);
    }

    [Fact]
    public async Task Regenerate_keeping_data_moves_the_data_and_the_user_binding_to_the_new_id()
    {
        await using var app = await StartAsync();
        var userId = $"user-{Guid.NewGuid():N}";
        var id = await CreateAsync(app, new { cart = "[1]" });
        var bound = await JsonOf(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/user", new { userId }), HttpStatusCode.OK);
        var newId = SessionTestSilo.NewSessionId();
        var regenerate = new { newId, keepData = true, operationId = NewOperation() };

        var regenerated = await JsonOf(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/regenerate", regenerate), HttpStatusCode.OK);
        var repeated = await JsonOf(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/regenerate", regenerate), HttpStatusCode.OK);
        var loaded = await JsonOf(await CallAsync(app, HttpMethod.Get, $"/sessions/{newId}"), HttpStatusCode.OK);
        var listed = await JsonOf(await CallAsync(app, HttpMethod.Get, $"/users/{userId}/sessions"), HttpStatusCode.OK);

        Assert.Equal(userId, (string?)bound["userId"]);
        Assert.Equal((long)regenerated["version"]!, (long)repeated["version"]!);
        Assert.Equal("[1]", (string?)loaded["values"]!["cart"]);
        Assert.Equal(((string?)bound["handle"], userId), ((string?)loaded["user"]!["handle"], (string?)loaded["user"]!["userId"]));
        Assert.Equal((string?)bound["handle"], (string?)Assert.Single(listed.AsArray())!["handle"]);
        Assert.Null(await cluster.ReadStoredRecordAsync(id));
        await AssertError(await CallAsync(app, HttpMethod.Get, $"/sessions/{id}"), HttpStatusCode.NotFound, "no_session");
    }

    [Fact]
    public async Task Regenerate_without_data_destroys_the_old_session_and_of_an_ended_one_answers_404()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app);
        var taken = await CreateAsync(app);

        var dropped = await JsonOf(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/regenerate", new { newId = SessionTestSilo.NewSessionId(), keepData = false, operationId = NewOperation() }), HttpStatusCode.OK);
        var ended = await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/regenerate", new { newId = SessionTestSilo.NewSessionId(), keepData = true, operationId = NewOperation() });
        var live = await CreateAsync(app);
        var onto = await CallAsync(app, HttpMethod.Post, $"/sessions/{live}/regenerate", new { newId = taken, keepData = true, operationId = NewOperation() });

        Assert.Equal(0L, (long)dropped["version"]!);
        Assert.Null(await cluster.ReadStoredRecordAsync(id));
        await AssertError(ended, HttpStatusCode.NotFound, "no_session");
        await AssertError(onto, HttpStatusCode.Conflict, "already_exists");
        Assert.NotNull(await cluster.ReadStoredRecordAsync(live));
    }

    [Fact]
    public async Task Bind_and_unbind_a_user_with_the_limit_answering_409()
    {
        await using var app = await StartAsync(configure: o =>
        {
            o.Users.MaxSessionsPerUser = 1;
            o.Users.WhenLimitReached = UserSessionLimitPolicy.RefuseNewSession;
        });
        var userId = $"user-{Guid.NewGuid():N}";
        var first = await CreateAsync(app);
        var second = await CreateAsync(app);

        var bound = await CallAsync(app, HttpMethod.Post, $"/sessions/{first}/user", new { userId, device = new { userAgent = "node-test", clientAddress = "10.0.0.7" } });
        var refused = await CallAsync(app, HttpMethod.Post, $"/sessions/{second}/user", new { userId });
        var noSession = await CallAsync(app, HttpMethod.Post, $"/sessions/{SessionTestSilo.NewSessionId()}/user", new { userId = userId + "-other" });
        var listed = await JsonOf(await CallAsync(app, HttpMethod.Get, $"/users/{userId}/sessions"), HttpStatusCode.OK);
        var unbound = await JsonOf(await CallAsync(app, HttpMethod.Delete, $"/sessions/{first}/user"), HttpStatusCode.OK);
        var again = await JsonOf(await CallAsync(app, HttpMethod.Delete, $"/sessions/{first}/user"), HttpStatusCode.OK);

        Assert.Equal(userId, (string?)(await JsonOf(bound, HttpStatusCode.OK))["userId"]);
        await AssertError(refused, HttpStatusCode.Conflict, "user_session_limit");
        await AssertError(noSession, HttpStatusCode.NotFound, "no_session");
        Assert.Equal(("node-test", "10.0.0.7"), ((string?)listed[0]!["device"]!["userAgent"], (string?)listed[0]!["device"]!["clientAddress"]));
        Assert.True((bool)unbound["unbound"]!);
        Assert.False((bool)again["unbound"]!);
        Assert.Empty((await JsonOf(await CallAsync(app, HttpMethod.Get, $"/users/{userId}/sessions"), HttpStatusCode.OK)).AsArray());
    }

    [Fact]
    public async Task A_users_sessions_are_listed_without_their_ids_and_revoked_by_handle()
    {
        await using var app = await StartAsync();
        var userId = $"user-{Guid.NewGuid():N}";
        var ids = new List<string>();
        var handles = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var id = await CreateAsync(app);
            ids.Add(id);
            handles.Add((string)(await JsonOf(await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/user", new { userId }), HttpStatusCode.OK))["handle"]!);
        }

        var listedResponse = await CallAsync(app, HttpMethod.Get, $"/users/{userId}/sessions");
        var listedText = await listedResponse.Content.ReadAsStringAsync();
        var revoked = await CallAsync(app, HttpMethod.Delete, $"/users/{userId}/sessions/{handles[0]}");
        var revokedAgain = await CallAsync(app, HttpMethod.Delete, $"/users/{userId}/sessions/{handles[0]}");
        var others = await JsonOf(await CallAsync(app, HttpMethod.Post, $"/users/{userId}/sessions/revoke-others", new { keepHandle = handles[3] }), HttpStatusCode.OK);

        var listed = JsonNode.Parse(listedText)!.AsArray();
        Assert.Equal(handles.Order(), listed.Select(s => (string)s!["handle"]!).Order());
        Assert.All(listed, s => Assert.NotNull(s!["createdAt"]));
        Assert.All(ids, id => Assert.DoesNotContain(id, listedText, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await AssertError(revokedAgain, HttpStatusCode.NotFound, "no_user_session");
        Assert.Equal(2L, (long)others["revoked"]!);
        Assert.Null(await cluster.ReadStoredRecordAsync(ids[0]));
        Assert.NotNull(await cluster.ReadStoredRecordAsync(ids[3]));
    }

    [Fact]
    public async Task A_read_only_load_makes_no_storage_write()
    {
        await using var app = await StartAsync(configure: o => o.ReadLease = TimeSpan.Zero);
        var id = await CreateAsync(app, new { a = "1" });
        var writes = cluster.Silo.StorageCounts.Writes(id);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await CallAsync(app, HttpMethod.Get, $"/sessions/{id}")).StatusCode);
        }

        Assert.Equal(writes, cluster.Silo.StorageCounts.Writes(id));
    }

    [Fact]
    public async Task Session_ids_never_appear_in_the_logs()
    {
        var logs = new FakeLogCollector();
        await using var app = await StartAsync(logs: logs);
        var id = await CreateAsync(app, new { n = "x" });
        var newId = SessionTestSilo.NewSessionId();
        var unknown = SessionTestSilo.NewSessionId();

        await CallAsync(app, HttpMethod.Put, $"/sessions/{id}", new { operationId = NewOperation() });
        await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", "{bad");
        await CallAsync(app, HttpMethod.Patch, $"/sessions/{id}", new { operationId = NewOperation(), values = new { big = new string('x', 300_000) } });
        await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/increment", new { key = "n", operationId = NewOperation() });
        await CallAsync(app, HttpMethod.Get, $"/sessions/{unknown}", token: "wrong");
        await CallAsync(app, HttpMethod.Get, $"/sessions/{unknown}");
        await CallAsync(app, HttpMethod.Post, $"/sessions/{id}/regenerate", new { newId, keepData = true, operationId = NewOperation() });
        await CallAsync(app, HttpMethod.Delete, $"/sessions/{newId}");

        // ASP.NET Core's own request logging (Hosting.Diagnostics at Information, routing at Debug) writes request paths,
        // which hold session IDs here: the README says to keep "Microsoft.AspNetCore" at Warning, as the templates and
        // the demo do. Everything else is captured at Trace.
        var records = logs.GetSnapshot().Where(r => !r.Category!.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)).ToList();
        Assert.Contains(records, r => r.Category!.StartsWith("SessionGrains.", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 1502); // the wrong token
        Assert.Contains(records, r => r.Id.Id == 1504); // the limit
        var text = string.Join("\n", records.Select(r => $"{r.Category} {r.Message} {r.Exception}"))
            + string.Join("\n", cluster.Silo.Logs.GetSnapshot().Select(r => $"{r.Message} {r.Exception}"));
        Assert.All(new[] { id, newId, unknown }, sessionId => Assert.DoesNotContain(sessionId, text, StringComparison.Ordinal));
    }

    private sealed record IncrementBody(string Key, long Delta, string OperationId, bool Retried);
}
