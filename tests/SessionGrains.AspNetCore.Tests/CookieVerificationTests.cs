using System.Net;
using System.Text;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// What the middleware does with the session cookie a request presents, over HTTP against the real cluster: only a
/// cookie that verifies and names a live session brings that session back; everything else is a new session that
/// never takes the presented ID and, unless the app modifies it, costs no grain call.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class CookieVerificationTests(FrontEndCluster cluster)
{
    private const string NewSecret = "the new secret of the rotation tests, long enough";
    private const string OldSecret = "the old secret of the rotation tests, long enough";
    private const string OtherSecret = "a secret this app has never been configured with";

    private static readonly SessionCookieSigner AppSigner = new([TestApp.Secret]);

    // ---- cookies that must not bring a session back ----

    [Theory]
    [InlineData("unsigned")]
    [InlineData("unsigned with s: prefix")]
    [InlineData("tampered signature")]
    [InlineData("truncated signature")]
    [InlineData("signed with another secret")]
    [InlineData("signature of another id")]
    [InlineData("validly signed, unknown id")]
    public async Task A_cookie_that_does_not_name_a_verified_live_session_is_answered_as_a_new_session(string kind)
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var presentedId = "presented-" + Guid.NewGuid().ToString("N");
        var cookie = kind switch
        {
            "unsigned" => $"connect.sid={presentedId}",
            "unsigned with s: prefix" => $"connect.sid=s%3A{presentedId}",
            "tampered signature" => CookieOf(Tamper(AppSigner.Sign(presentedId))),
            "truncated signature" => CookieOf(AppSigner.Sign(presentedId)[..^1]),
            "signed with another secret" => CookieOf(new SessionCookieSigner([OtherSecret]).Sign(presentedId)),
            "signature of another id" => CookieOf("s:" + presentedId + AppSigner.Sign("someone-else")[^44..]),
            "validly signed, unknown id" => CookieOf(AppSigner.Sign(presentedId)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        await AssertAnsweredAsNewSessionAsync(app, cookie, presentedId);
    }

    [Fact]
    public async Task A_validly_signed_cookie_of_an_expired_session_is_answered_as_a_new_session()
    {
        // Session time jumps 20 minutes here while real time stands still; read leases run on real time and would
        // serve the session on. (In real time a lease never outlasts the session.)
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.ReadLease = TimeSpan.Zero);
        var created = await app.PostAsync("/set?key=color&value=blue");
        var cookie = TestApp.CookieToSend(created);
        var expiredId = TestApp.SessionIdOf(cookie);
        Assert.Equal("blue", await (await app.GetAsync("/get?key=color", cookie)).Content.ReadAsStringAsync()); // live before

        cluster.Silo.Clock.Advance(TimeSpan.FromMinutes(20) + TimeSpan.FromSeconds(1)); // the default idle timeout

        await AssertAnsweredAsNewSessionAsync(app, cookie, expiredId);
    }

    [Theory]
    [InlineData("unsigned")]
    [InlineData("tampered signature")]
    [InlineData("signed with another secret")]
    public async Task A_cookie_naming_a_live_session_without_its_valid_signature_neither_reads_nor_writes_it(string kind)
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var victim = await app.PostAsync("/set?key=secret&value=victim-data");
        var victimId = await victim.Content.ReadAsStringAsync();
        var before = await cluster.ReadStoredRecordAsync(victimId);
        Assert.NotNull(before);
        var forged = kind switch
        {
            "unsigned" => $"connect.sid={victimId}",
            "tampered signature" => CookieOf(Tamper(AppSigner.Sign(victimId))),
            "signed with another secret" => CookieOf(new SessionCookieSigner([OtherSecret]).Sign(victimId)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var read = await app.GetAsync("/get?key=secret", forged);
        var write = await app.PostAsync("/set?key=secret&value=attacker-data", forged);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        var attackerId = await write.Content.ReadAsStringAsync();
        Assert.NotEqual(victimId, attackerId);
        Assert.Equal(attackerId, TestApp.SessionIdOf(TestApp.CookieToSend(write)));
        var after = await cluster.ReadStoredRecordAsync(victimId);
        Assert.NotNull(after);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal("victim-data", Encoding.UTF8.GetString(after.Data["secret"]));
        var genuine = await app.GetAsync("/get?key=secret", TestApp.CookieToSend(victim));
        Assert.Equal("victim-data", await genuine.Content.ReadAsStringAsync());
    }

    // ---- secret rotation ----

    [Fact]
    public async Task A_cookie_signed_with_an_older_secret_is_accepted_and_re_issued_signed_with_the_current_one()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Secrets = [NewSecret, OldSecret]);
        var created = await app.PostAsync("/set?key=color&value=blue");
        var id = await created.Content.ReadAsStringAsync();
        var oldCookie = CookieOf(new SessionCookieSigner([OldSecret]).Sign(id));

        var response = await app.GetAsync("/get?key=color", oldCookie); // reads only: the session is not modified

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("blue", await response.Content.ReadAsStringAsync());
        var reissued = Assert.Single(TestApp.SetCookies(response));
        var value = Uri.UnescapeDataString(reissued.Value.ToString());
        Assert.Equal(new SessionCookieSigner([NewSecret]).Sign(id), value);
        Assert.False(new SessionCookieSigner([OldSecret]).TryUnsign(value, out _, out _));
        var stored = await cluster.ReadStoredRecordAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version); // re-signing the cookie wrote nothing

        var next = await app.GetAsync("/get?key=color", $"connect.sid={reissued.Value}");
        Assert.Equal("blue", await next.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(next));
    }

    [Fact]
    public async Task A_cookie_signed_with_the_current_secret_is_accepted_without_a_set_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Secrets = [NewSecret, OldSecret]);
        var created = await app.PostAsync("/set?key=color&value=blue");
        var id = await created.Content.ReadAsStringAsync();
        Assert.Equal(new SessionCookieSigner([NewSecret]).Sign(id), Uri.UnescapeDataString(Assert.Single(TestApp.SetCookies(created)).Value.ToString()));

        var response = await app.GetAsync("/get?key=color", CookieOf(new SessionCookieSigner([NewSecret]).Sign(id)));

        Assert.Equal("blue", await response.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(response));
    }

    [Fact]
    public async Task A_cookie_signed_with_an_older_secret_for_an_unknown_id_is_answered_as_a_new_session()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Secrets = [NewSecret, OldSecret]);
        var presentedId = "presented-" + Guid.NewGuid().ToString("N");

        await AssertAnsweredAsNewSessionAsync(app, CookieOf(new SessionCookieSigner([OldSecret]).Sign(presentedId)), presentedId, [NewSecret]);
    }

    [Fact]
    public async Task After_rotation_a_session_created_under_the_old_secret_alone_carries_on()
    {
        string id;
        string oldCookie;
        await using (var before = await TestApp.StartAsync(cluster.Grains, o => o.Secrets = [OldSecret]))
        {
            var created = await before.PostAsync("/set?key=color&value=blue");
            oldCookie = TestApp.CookieToSend(created);
            id = await created.Content.ReadAsStringAsync();
        }

        await using var after = await TestApp.StartAsync(cluster.Grains, o => o.Secrets = [NewSecret, OldSecret]);
        var response = await after.PostAsync("/set?key=size&value=big", oldCookie);

        Assert.Equal(id, await response.Content.ReadAsStringAsync());
        Assert.Equal(new SessionCookieSigner([NewSecret]).Sign(id), Uri.UnescapeDataString(Assert.Single(TestApp.SetCookies(response)).Value.ToString()));
        var stored = await cluster.ReadStoredRecordAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(["color", "size"], stored.Data.Keys.Order());
    }

    // ---- duplicate cookies ----

    [Theory]
    [InlineData("unsigned")]
    [InlineData("tampered")]
    [InlineData("unknown")]
    [InlineData("expired")]
    public async Task With_duplicate_cookies_the_first_one_that_verifies_and_names_a_live_session_wins(string firstKind)
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        string? staleCookie = null;
        if (firstKind == "expired")
        {
            var stale = await app.PostAsync("/set?key=color&value=stale");
            staleCookie = TestApp.CookieToSend(stale);
            cluster.Silo.Clock.Advance(TimeSpan.FromMinutes(21));
        }

        var live = await app.PostAsync("/set?key=color&value=blue");
        var liveCookie = TestApp.CookieToSend(live);
        var liveId = TestApp.SessionIdOf(liveCookie);
        var unknownId = "unknown-" + Guid.NewGuid().ToString("N");
        var first = firstKind switch
        {
            "unsigned" => $"connect.sid={unknownId}",
            "tampered" => CookieOf(Tamper(AppSigner.Sign(liveId))),
            "unknown" => CookieOf(AppSigner.Sign(unknownId)),
            "expired" => staleCookie!,
            _ => throw new ArgumentOutOfRangeException(nameof(firstKind)),
        };
        var header = $"{first}; {liveCookie}";

        var read = await app.GetAsync("/get?key=color", header);
        var write = await app.PostAsync("/set?key=size&value=big", header);

        Assert.Equal("blue", await read.Content.ReadAsStringAsync());
        Assert.Equal(liveId, await write.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(read));
        Assert.Empty(TestApp.SetCookies(write)); // the live session carries on under its own cookie
        var stored = await cluster.ReadStoredRecordAsync(liveId);
        Assert.NotNull(stored);
        Assert.Equal("big", Encoding.UTF8.GetString(stored.Data["size"]));
        Assert.Null(await cluster.ReadStoredRecordAsync(unknownId));
    }

    [Fact]
    public async Task With_two_live_session_cookies_the_first_one_wins_as_in_express()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var a = TestApp.CookieToSend(await app.PostAsync("/set?key=who&value=a"));
        var b = TestApp.CookieToSend(await app.PostAsync("/set?key=who&value=b"));

        var ab = await app.GetAsync("/get?key=who", $"{a}; {b}");
        var ba = await app.GetAsync("/get?key=who", $"{b}; {a}");

        Assert.Equal("a", await ab.Content.ReadAsStringAsync());
        Assert.Equal("b", await ba.Content.ReadAsStringAsync());
    }

    // ---- header-based session ID ----

    [Fact]
    public async Task A_session_created_through_the_header_round_trips_through_the_header()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.HeaderName = "X-Session-Id");

        var created = await app.PostAsync("/set?key=color&value=blue");
        var id = await created.Content.ReadAsStringAsync();
        var headerValue = Assert.Single(created.Headers.GetValues("X-Session-Id"));
        Assert.Equal(AppSigner.Sign(id), Uri.UnescapeDataString(headerValue));
        Assert.Equal(TestApp.CookieToSend(created), $"connect.sid={headerValue}");

        var read = await app.GetAsync("/get?key=color", configure: r => r.Headers.Add("X-Session-Id", headerValue));
        var idRead = await app.GetAsync("/id", configure: r => r.Headers.Add("X-Session-Id", headerValue));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("blue", await read.Content.ReadAsStringAsync());
        Assert.Equal(id, await idRead.Content.ReadAsStringAsync());
        Assert.False(read.Headers.Contains("X-Session-Id")); // unchanged session: neither cookie nor header re-sent
        Assert.Empty(TestApp.SetCookies(read));
    }

    [Theory]
    [InlineData("unsigned")]
    [InlineData("tampered")]
    [InlineData("signed with another secret")]
    public async Task A_forged_session_header_is_ignored(string kind)
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.HeaderName = "X-Session-Id");
        var victim = await app.PostAsync("/set?key=color&value=blue");
        var victimId = await victim.Content.ReadAsStringAsync();
        var forged = kind switch
        {
            "unsigned" => victimId,
            "tampered" => SessionCookieCodec.Encode(Tamper(AppSigner.Sign(victimId))),
            "signed with another secret" => SessionCookieCodec.Encode(new SessionCookieSigner([OtherSecret]).Sign(victimId)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var read = await app.GetAsync("/get?key=color", configure: r => r.Headers.Add("X-Session-Id", forged));
        var write = await app.PostAsync("/set?key=color&value=red", configure: r => r.Headers.Add("X-Session-Id", forged));

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        var newId = await write.Content.ReadAsStringAsync();
        Assert.NotEqual(victimId, newId);
        Assert.Equal(AppSigner.Sign(newId), Uri.UnescapeDataString(Assert.Single(write.Headers.GetValues("X-Session-Id"))));
        var stored = await cluster.ReadStoredRecordAsync(victimId);
        Assert.NotNull(stored);
        Assert.Equal("blue", Encoding.UTF8.GetString(stored.Data["color"]));
    }

    // ---- floods ----

    [Fact]
    public async Task Requests_without_a_cookie_call_no_grain_and_set_no_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var callsBefore = cluster.Silo.Calls.Calls;

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => app.GetAsync("/get?key=x")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.All(responses, r => Assert.Empty(TestApp.SetCookies(r)));
        Assert.Equal(callsBefore, cluster.Silo.Calls.Calls);
    }

    [Fact]
    public async Task Requests_with_forged_cookies_call_no_grain_and_set_no_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var live = TestApp.CookieToSend(await app.PostAsync("/set?key=x&value=real"));
        var liveId = TestApp.SessionIdOf(live);
        var otherSigner = new SessionCookieSigner([OtherSecret]);
        var callsBefore = cluster.Silo.Calls.Calls;
        var forged = Enumerable.Range(0, 200).Select(i =>
        {
            var id = i % 2 == 0 ? liveId : SessionIdGenerator.NewId();
            return (i % 5) switch
            {
                0 => $"connect.sid={id}",
                1 => CookieOf(Tamper(AppSigner.Sign(id))),
                2 => CookieOf(otherSigner.Sign(id)),
                3 => CookieOf(AppSigner.Sign(id)[..^(1 + (i % 7))]),
                _ => $"connect.sid={Guid.NewGuid():N}%; connect.sid=s%3A{id}.",
            };
        }).ToList();

        var responses = await Task.WhenAll(forged.Select(cookie => app.GetAsync("/get?key=x", cookie)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.All(responses, r => Assert.Empty(TestApp.SetCookies(r)));
        Assert.Equal(callsBefore, cluster.Silo.Calls.Calls);
        Assert.Equal("real", await (await app.GetAsync("/get?key=x", live)).Content.ReadAsStringAsync()); // the counter counts
        Assert.True(cluster.Silo.Calls.Calls > callsBefore);
    }

    // ---- helpers ----

    private async Task AssertAnsweredAsNewSessionAsync(TestApp app, string cookie, string presentedId, string[]? secrets = null)
    {
        var signer = secrets is null ? AppSigner : new SessionCookieSigner(secrets);
        var read = await app.GetAsync("/get?key=color", cookie);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Empty(TestApp.SetCookies(read)); // a new, unmodified session is not saved

        var write = await app.PostAsync("/set?key=size&value=big", cookie);
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        var newCookie = TestApp.CookieToSend(write);
        Assert.True(signer.TryUnsign(Uri.UnescapeDataString(newCookie["connect.sid=".Length..]), out var newId, out _), newCookie);
        Assert.NotEqual(presentedId, newId);
        Assert.Equal(newId, await write.Content.ReadAsStringAsync());

        var again = await app.GetAsync("/get?key=color", newCookie);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode); // nothing of the presented session came along
        Assert.Null(await cluster.ReadStoredRecordAsync(presentedId));
        Assert.NotNull(await cluster.ReadStoredRecordAsync(newId));
    }

    private static string CookieOf(string signedValue) => "connect.sid=" + SessionCookieCodec.Encode(signedValue);

    /// <summary>Changes one character of the signature (the last '.' starts it).</summary>
    private static string Tamper(string signedValue)
    {
        var at = signedValue.LastIndexOf('.') + 5;
        var replacement = signedValue[at] == 'x' ? 'y' : 'x';
        return string.Concat(signedValue.AsSpan(0, at), replacement.ToString(), signedValue.AsSpan(at + 1));
    }
}
