using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.AspNetCore;

namespace SessionGrains.Benchmarks;

/// <summary>The session middleware in front of <c>app</c>, registered as users do: AddGrainSessions, then UseGrainSessions.</summary>
internal static class SessionPipeline
{
    public static RequestDelegate Build(
        IGrainFactory grains, Action<SessionFrontEndOptions> configure, RequestDelegate app, ILocalSessionReader? localSessions = null)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(grains);
        if (localSessions is not null)
        {
            services.AddSingleton(localSessions); // as a co-hosted silo registers it
        }

        services.AddGrainSessions(configure);
        var pipeline = new ApplicationBuilder(services.BuildServiceProvider());
        pipeline.UseGrainSessions();
        pipeline.Run(app);
        return pipeline.Build();
    }
}
