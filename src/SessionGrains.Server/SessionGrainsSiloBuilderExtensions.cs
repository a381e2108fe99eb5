using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace SessionGrains.Server;

/// <summary>Registers SessionGrains in a silo.</summary>
public static class SessionGrainsSiloBuilderExtensions
{
    /// <summary>
    /// Adds the session grain. The silo must also have a grain storage provider named
    /// <see cref="SessionGrainOptions.StorageName"/> ("sessions" by default) and a reminder service.
    /// </summary>
    public static ISiloBuilder AddSessionGrains(this ISiloBuilder builder, Action<SessionGrainOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<SessionGrainOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.MaxSessionBytes > 0 && o.MaxKeys > 0 && o.MaxKeyLength > 0, "SessionGrainOptions limits must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.StorageName), "SessionGrainOptions.StorageName is required.")
            .Validate(o => o.TouchWriteInterval >= TimeSpan.Zero, "SessionGrainOptions.TouchWriteInterval must not be negative.")
            .ValidateOnStart();

        builder.Services.TryAddKeyedSingleton(SessionGrainServiceKeys.TimeProvider,
            (services, _) => services.GetService<TimeProvider>() ?? TimeProvider.System);
        builder.Services.AddSingleton<LocalSessionDirectory>();
        builder.Services.AddSingleton<ILocalSessionReader>(sp => sp.GetRequiredService<LocalSessionDirectory>());
        builder.Services.AddOptions<GrainCollectionOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<SessionGrainOptions>>((collection, sessions) =>
                collection.ClassSpecificCollectionAge[typeof(SessionGrain).FullName!] = sessions.Value.CollectionAge);
        return builder;
    }
}
