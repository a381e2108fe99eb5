// Anchor app for the SessionGrains load-test harness: the same three routes served
// with ASP.NET Core's own session machinery, so SessionGrains can be compared with it.
//
//   --mode none    Kestrel only, no session services or middleware. /counter answers
//                  "0" (GET) and "1" (POST) without any state; the routes exist only so
//                  the same wrk script can run against every system.
//   --mode memory  AddDistributedMemoryCache() + AddSession() + UseSession().
//   --mode redis   AddStackExchangeRedisCache() + AddSession() + UseSession().
//
//   --urls http://127.0.0.1:PORT   (default http://127.0.0.1:5000; ASPNETCORE_URLS works too)
//   --redis 127.0.0.1:6379         StackExchange.Redis configuration string (redis mode only)
//
// Routes (text/plain bodies):
//   GET  /counter  the session's count, "0" when there is no session or no count; read only.
//   POST /counter  count + 1 stored back into the session; answers the new count.
//   GET  /ping     "pong"; never touches the session.

using System.Globalization;

var builder = WebApplication.CreateBuilder(args);

var mode = (builder.Configuration["mode"] ?? "").Trim().ToLowerInvariant();
if (mode is not ("none" or "memory" or "redis"))
{
    Console.Error.WriteLine(
        "usage: AspNetSession --mode none|memory|redis [--urls http://127.0.0.1:PORT] [--redis 127.0.0.1:6379]");
    return 2;
}

if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5000");
}

// Log little: warnings and errors only, plus the host's start/stop lines.
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

switch (mode)
{
    case "memory":
        builder.Services.AddDistributedMemoryCache();
        break;
    case "redis":
        var redis = builder.Configuration["redis"] ?? "127.0.0.1:6379";
        builder.Services.AddStackExchangeRedisCache(o => o.Configuration = redis);
        break;
}

if (mode != "none")
{
    builder.Services.AddSession(o =>
    {
        o.IdleTimeout = TimeSpan.FromMinutes(20);
        // Cookie name stays the default, ".AspNetCore.Session".
    });
}

var app = builder.Build();

if (mode != "none")
{
    app.UseSession();
}

app.MapGet("/ping", () => "pong");

if (mode == "none")
{
    app.MapGet("/counter", () => "0");
    app.MapPost("/counter", () => "1");
}
else
{
    app.MapGet("/counter", async (HttpContext context) =>
    {
        var session = context.Session;
        await session.LoadAsync(context.RequestAborted);
        return session.GetString("count") ?? "0";
    });

    app.MapPost("/counter", async (HttpContext context) =>
    {
        var session = context.Session;
        await session.LoadAsync(context.RequestAborted);
        var count = long.TryParse(session.GetString("count"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n + 1
            : 1;
        var text = count.ToString(CultureInfo.InvariantCulture);
        session.SetString("count", text);
        // Committed by the session middleware once this endpoint returns (stock ASP.NET behaviour).
        return text;
    });
}

// SIGTERM / Ctrl+C stop the host gracefully (the generic host's console lifetime).
await app.RunAsync();
return 0;
