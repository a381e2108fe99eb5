using SessionGrains.AspNetCore;
using SessionGrains.Server;
using SessionGrains.Web;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5000");
}

builder.UseOrleans(silo => silo
    .UseLocalhostClustering()
    .AddMemoryGrainStorage(SessionGrainOptions.DefaultStorageName)
    .UseInMemoryReminderService()
    .AddSessionGrains());
builder.Services.AddDemoSessions(builder.Configuration);

var app = builder.Build();
app.UseGrainSessions();
app.MapDemoEndpoints();
app.Run();
