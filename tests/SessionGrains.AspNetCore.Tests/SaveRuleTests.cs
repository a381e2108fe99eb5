using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>express-session's save and Set-Cookie rules as driven by Rolling, Resave and SaveUninitialized.</summary>
[Collection(FrontEndCollection.Name)]
public sealed class SaveRuleTests(FrontEndCluster cluster)
{
    // ---- The rules as a table (no cluster): SessionCommitRules ----

    private static SessionFrontEndOptions Options(string flags) => new()
    {
        Rolling = flags.Contains("rolling"),
        Resave = flags.Contains("resave"),
        SaveUninitialized = flags.Contains("uninit"),
        Unset = flags.Contains("destroy") ? SessionUnset.Destroy : SessionUnset.Keep,
    };

    private static SessionCommitRules.Facts Facts(string facts) => new(
        Replaced: facts.Contains("replaced"),
        Presented: facts.Contains("presented"),
        SignedWithOlderSecret: facts.Contains("old-secret"),
        TouchRequested: facts.Contains("touch"),
        Stored: facts.Contains("stored"),
        Modified: facts.Contains("modified"),
        UnsavedChanges: facts.Contains("unsaved"),
        SavedExplicitly: facts.Contains("saved-explicitly"),
        IdChanged: facts.Contains("new-id"),
        CookieExpires: facts.Contains("expires"),
        CookieChanged: facts.Contains("cookie-changed"));

    /// <summary>The plan's steps, in the order they run; "keep-ended-cookie" when an ended session's cookie stays.</summary>
    private static string Describe(SessionCommitRules.Plan plan) => string.Join(' ', new[]
    {
        plan.Destroy ? "destroy" : null,
        plan.Save ? "save" : null,
        plan.Touch ? "touch" : null,
        plan.SetCookie ? "set-cookie" : null,
        plan.ClearCookieIfEnded ? null : "keep-ended-cookie",
    }.OfType<string>());

    [Theory]
    [InlineData("", "", false)]                        // no cookie, session unused: no grain call
    [InlineData("", "uninit", true)]                   // ... unless uninitialized sessions are saved
    [InlineData("presented", "", false)]               // a presented session the app never used
    [InlineData("presented", "rolling", true)]
    [InlineData("presented", "resave", true)]
    [InlineData("presented", "uninit", true)]
    [InlineData("presented touch", "", true)]
    [InlineData("presented old-secret", "", true)]     // re-signed with the current secret
    [InlineData("replaced presented", "", false)]      // unset with Keep: the stored session stays as it was
    [InlineData("replaced presented", "destroy", true)] // unset with Destroy: load it to delete it
    public void ShouldLoad_an_unused_session_only_when_a_rule_needs_it(string facts, string options, bool expected)
        => Assert.Equal(expected, SessionCommitRules.ShouldLoad(Facts(facts), Options(options)));

    [Theory]
    [InlineData("", "", "")]                                            // new and unmodified: nothing
    [InlineData("", "uninit", "save set-cookie")]
    [InlineData("modified unsaved", "", "save set-cookie")]             // new and modified
    [InlineData("stored", "", "")]                                      // loaded, unchanged
    [InlineData("stored", "resave", "touch")]                           // resave stores it again, as a touch
    [InlineData("stored saved-explicitly", "resave", "")]               // ... not after an explicit save
    [InlineData("stored modified unsaved", "", "save")]                 // a browser-session cookie need not be re-sent
    [InlineData("stored modified unsaved expires", "", "save set-cookie")] // an expiring cookie moves with each change
    [InlineData("stored modified saved-explicitly", "", "")]            // changed, but saved already
    [InlineData("stored modified expires", "", "set-cookie")]
    [InlineData("stored expires", "", "")]
    [InlineData("stored new-id", "", "set-cookie")]                     // regenerated with its data
    [InlineData("stored", "rolling", "set-cookie")]
    [InlineData("stored cookie-changed", "", "set-cookie")]
    [InlineData("stored old-secret", "", "set-cookie")]
    [InlineData("new-id", "rolling", "")]                               // nothing stored or to store: no cookie
    [InlineData("replaced stored modified unsaved", "", "keep-ended-cookie")] // unset with Keep: not even its changes
    [InlineData("replaced stored", "destroy", "destroy")]               // unset with Destroy
    public void Plan_follows_express_session(string facts, string options, string expected)
        => Assert.Equal(expected, Describe(SessionCommitRules.Decide(Facts(facts), Options(options))));

    // ---- Rolling ----

    [Fact]
    public async Task Rolling_sends_the_cookie_on_every_response_of_a_presented_session_moving_expires_forward()
    {
        var maxAge = TimeSpan.FromMinutes(30);
        await using var app = await TestApp.StartAsync(cluster.Grains, o =>
        {
            o.Rolling = true;
            o.Cookie.MaxAge = maxAge;
        });
        var created = await app.PostAsync("/set?key=k&value=v");
        var cookie = TestApp.CookieToSend(created);
        var firstExpires = Assert.Single(TestApp.SetCookies(created)).Expires;

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var noop = await app.GetAsync("/noop", cookie);
        var noopExpires = Assert.Single(TestApp.SetCookies(noop)).Expires;
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var get = await app.GetAsync("/get?key=k", cookie);
        var getExpires = Assert.Single(TestApp.SetCookies(get)).Expires;

        Assert.Equal(app.Clock.Start + maxAge, firstExpires);
        Assert.Equal(app.Clock.Start + TimeSpan.FromMinutes(10) + maxAge, noopExpires);
        Assert.Equal(app.Clock.Start + TimeSpan.FromMinutes(15) + maxAge, getExpires);
        Assert.Equal(cookie, TestApp.CookieToSend(noop)); // the same session, re-sent
        Assert.Equal(cookie, TestApp.CookieToSend(get));
        Assert.Equal("v", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rolling_without_max_age_re_sends_a_browser_session_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Rolling = true);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=k&value=v"));

        var noop = await app.GetAsync("/noop", cookie);

        var resent = Assert.Single(TestApp.SetCookies(noop));
        Assert.Equal(cookie, TestApp.CookieToSend(noop));
        Assert.Null(resent.Expires);
    }

    [Fact]
    public async Task Rolling_does_not_send_a_cookie_without_a_live_presented_session()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o =>
        {
            o.Rolling = true;
            o.Cookie.MaxAge = TimeSpan.FromMinutes(30);
        });
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=k&value=v"));
        await app.PostAsync("/destroy", cookie);

        var noCookie = await app.GetAsync("/noop");
        var destroyedSession = await app.GetAsync("/get?key=k", cookie);

        Assert.Empty(TestApp.SetCookies(noCookie));
        Assert.Empty(TestApp.SetCookies(destroyedSession)); // a new, unmodified session: nothing to send
    }

    [Fact]
    public async Task Without_rolling_unchanged_requests_get_no_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.MaxAge = TimeSpan.FromMinutes(30));
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=k&value=v"));
        app.Clock.Advance(TimeSpan.FromMinutes(10));

        var noop = await app.GetAsync("/noop", cookie);
        var get = await app.GetAsync("/get?key=k", cookie);
        var sameValue = await app.PostAsync("/set?key=k&value=v", cookie); // setting the same value is no change

        Assert.Empty(TestApp.SetCookies(noop));
        Assert.Empty(TestApp.SetCookies(get));
        Assert.Equal("v", await get.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(sameValue));
    }

    [Fact]
    public async Task Without_rolling_a_modified_request_re_sends_a_cookie_that_has_an_expiry()
    {
        var maxAge = TimeSpan.FromMinutes(30);
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Cookie.MaxAge = maxAge);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=k&value=v"));
        app.Clock.Advance(TimeSpan.FromMinutes(10));

        var modified = await app.PostAsync("/set?key=k&value=w", cookie);

        var resent = Assert.Single(TestApp.SetCookies(modified));
        Assert.Equal(cookie, TestApp.CookieToSend(modified));
        Assert.Equal(app.Clock.GetUtcNow() + maxAge, resent.Expires);
    }

    [Fact]
    public async Task Without_rolling_a_modified_request_does_not_re_send_a_browser_session_cookie()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=k&value=v"));

        var modified = await app.PostAsync("/set?key=k&value=w", cookie);
        var readBack = await app.GetAsync("/get?key=k", cookie);

        Assert.Empty(TestApp.SetCookies(modified)); // express: expires == null, so only rolling would send it
        Assert.Equal("w", await readBack.Content.ReadAsStringAsync());
    }

    // ---- Resave ----

    [Fact]
    public async Task Without_resave_a_request_that_only_reads_makes_no_storage_write_and_no_save_call()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var created = await app.PostAsync("/set?key=k&value=v");
        var id = await created.Content.ReadAsStringAsync();
        var cookie = TestApp.CookieToSend(created);
        var writesBefore = cluster.Silo.StorageCounts.Writes(id);
        var callsBefore = cluster.Silo.Calls.Calls;

        var read = await app.GetAsync("/get?key=k", cookie);

        Assert.Equal("v", await read.Content.ReadAsStringAsync());
        Assert.True(writesBefore > 0, "creating the session should have written it");
        Assert.Equal(writesBefore, cluster.Silo.StorageCounts.Writes(id));
        Assert.Equal(1, cluster.Silo.Calls.Calls - callsBefore); // the load, nothing else
        Assert.Empty(TestApp.SetCookies(read));
    }

    [Fact]
    public async Task With_resave_a_request_that_only_reads_saves_the_session_again()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Resave = true);
        var cookie = TestApp.CookieToSend(await app.PostAsync("/set?key=k&value=v"));
        var callsBefore = cluster.Silo.Calls.Calls;

        var read = await app.GetAsync("/get?key=k", cookie);

        Assert.Equal("v", await read.Content.ReadAsStringAsync());
        Assert.Equal(2, cluster.Silo.Calls.Calls - callsBefore); // the load and the resave (a touch)
    }

    // ---- SaveUninitialized ----

    [Fact]
    public async Task Without_save_uninitialized_an_untouched_or_only_read_new_session_costs_nothing()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var callsBefore = cluster.Silo.Calls.Calls;

        var noop = await app.GetAsync("/noop");
        var read = await app.GetAsync("/get?key=k");
        var idOnly = await app.GetAsync("/id");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, idOnly.StatusCode);
        Assert.False(noop.Headers.Contains(HeaderNames.SetCookie));
        Assert.False(read.Headers.Contains(HeaderNames.SetCookie));
        Assert.False(idOnly.Headers.Contains(HeaderNames.SetCookie));
        Assert.Equal(callsBefore, cluster.Silo.Calls.Calls);
        Assert.Null(await cluster.ReadStoredRecordAsync(await idOnly.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task With_save_uninitialized_a_new_unmodified_session_is_saved_and_its_cookie_sent()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.SaveUninitialized = true);

        var noop = await app.GetAsync("/noop");
        var idResponse = await app.GetAsync("/id");

        var noopId = TestApp.SessionIdOf(TestApp.CookieToSend(noop));
        var id = await idResponse.Content.ReadAsStringAsync();
        Assert.Equal(id, TestApp.SessionIdOf(TestApp.CookieToSend(idResponse)));
        Assert.NotNull(await cluster.ReadStoredRecordAsync(noopId));
        Assert.NotNull(await cluster.ReadStoredRecordAsync(id));
    }

    [Fact]
    public async Task With_save_uninitialized_a_cookie_for_an_ended_session_gets_a_new_saved_session()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.SaveUninitialized = true);
        var stale = TestApp.CookieToSend(await app.PostAsync("/set?key=k&value=v"));
        await app.PostAsync("/destroy", stale);

        var noop = await app.GetAsync("/noop", stale); // express: the stale ID loads nothing, so a new session is generated and saved

        var fresh = TestApp.CookieToSend(noop);
        Assert.NotEqual(stale, fresh);
        Assert.NotNull(await cluster.ReadStoredRecordAsync(TestApp.SessionIdOf(fresh)));
    }

    [Fact]
    public async Task Without_save_uninitialized_a_new_session_whose_changes_cancel_out_is_not_saved()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains, endpoints: routes =>
        {
            TestApp.MapSessionEndpoints(routes);
            routes.MapPost("/flash", (HttpContext c) =>
            {
                c.Session.SetString("flash", "hello");
                var shown = c.Session.GetString("flash");
                c.Session.Remove("flash");
                return Results.Text($"{shown} {c.Session.Id}");
            });
        });
        var callsBefore = cluster.Silo.Calls.Calls;

        var response = await app.PostAsync("/flash"); // express compares the session's hash: unchanged, so not saved

        var id = (await response.Content.ReadAsStringAsync()).Split(' ')[1];
        Assert.False(response.Headers.Contains(HeaderNames.SetCookie));
        Assert.Null(await cluster.ReadStoredRecordAsync(id));
        Assert.Equal(callsBefore, cluster.Silo.Calls.Calls);
    }
}
