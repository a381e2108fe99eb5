using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace SessionGrains.Testing.Sample.Tests;

/// <summary>The sample app, tested the way a user tests their own app: through SessionGrains.Testing only.</summary>
public sealed class SampleAppTests(SessionWebApplicationFactory<Program> app) : IClassFixture<SessionWebApplicationFactory<Program>>
{
    [Fact]
    public async Task The_counter_survives_requests_and_reads_back_from_the_session()
    {
        var client = app.CreateClient();
        var first = await client.PostAsync("/counter", null);
        await client.PostAsync("/counter", null);
        var third = await client.PostAsync("/counter", null);

        Assert.Equal("3", await third.Content.ReadAsStringAsync());
        var session = await app.ReadSessionAsync(first); // the response that set the cookie names the session
        Assert.Equal(3, session?.Get<long>("count"));
    }

    [Fact]
    public async Task Log_in_as_alice_with_a_cookie_made_by_the_test()
    {
        var alice = await app.CreateSessionAsync(new SessionSeed().BoundTo("alice").SetString("greeting", "Hi, alice"));

        var me = await app.CreateClient(alice).GetAsync("/me");
        var anonymous = await app.CreateClient().GetAsync("/me");

        Assert.Equal("alice: Hi, alice", await me.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_login_through_the_app_leaves_a_bound_session_with_its_data()
    {
        var login = await app.CreateClient().PostAsync("/login?user=bob", null);

        var session = await app.ReadSessionAsync(login);
        Assert.Equal("bob", session?.UserId);
        Assert.Equal("Hello, bob", session?.GetString("greeting"));
    }

    [Fact]
    public async Task An_idle_session_expires_when_session_time_passes_its_idle_timeout()
    {
        var client = app.CreateClient();
        var first = await client.PostAsync("/counter", null);
        var firstId = app.Cookies.SessionIdOf(first);

        app.Cluster.AdvanceTime(TimeSpan.FromMinutes(19)); // within the sample's 20-minute idle timeout
        Assert.Equal("2", await (await client.PostAsync("/counter", null)).Content.ReadAsStringAsync());
        app.Cluster.AdvanceTime(TimeSpan.FromMinutes(21));
        var afterExpiry = await client.PostAsync("/counter", null);

        Assert.Equal("1", await afterExpiry.Content.ReadAsStringAsync());
        Assert.NotEqual(firstId, app.Cookies.SessionIdOf(afterExpiry));
        Assert.Null(await app.Cluster.ReadSessionAsync(firstId!));
    }

    [Fact]
    public async Task The_app_uses_the_test_cluster_and_its_own_silo_never_starts()
    {
        await app.CreateClient().GetAsync("/me");

        Assert.Null(app.Services.GetService<ILocalSiloDetails>());
        Assert.Same(app.Cluster.Client, app.Services.GetRequiredService<IGrainFactory>());
    }
}
