// A tiny app with the README's co-hosted set-up: a counter, a login that binds the session to a user, and /me.
using Orleans.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo
    .UseLocalhostClustering()
    .AddSessionGrains()
    .AddSessionMemoryStorage()
    .UseInMemoryReminderService());
builder.Services.AddGrainSessions(builder.Configuration.GetSection("Session"));

var app = builder.Build();
app.UseGrainSessions();
app.MapPost("/counter", async Task<long> (HttpContext c) => await c.GetGrainSession().IncrementAsync("count"));
app.MapPost("/login", async (HttpContext c, string user) =>
{
    var session = c.GetGrainSession();
    await session.RegenerateAsync(keepData: true);
    session.SetString("greeting", $"Hello, {user}");
    await session.BindUserAsync(user);
});
app.MapGet("/me", (HttpContext c) => c.GetGrainSession().User is { } user
    ? Results.Text($"{user.UserId}: {c.Session.GetString("greeting") ?? "no greeting"}")
    : Results.Unauthorized());
app.Run();

/// <summary>The entry point, public for WebApplicationFactory.</summary>
public partial class Program;
