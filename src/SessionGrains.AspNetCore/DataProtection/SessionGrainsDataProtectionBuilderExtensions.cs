using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;

namespace Microsoft.AspNetCore.DataProtection;

/// <summary>Keeps the Data Protection key ring in the session cluster.</summary>
public static class SessionGrainsDataProtectionBuilderExtensions
{
    /// <summary>
    /// Persists Data Protection's keys in a grain (<see cref="SessionGrains.IDataProtectionKeyRingGrain"/>) stored in the silos' session
    /// storage provider, so every host of the cluster that shares the key ring name and the application name
    /// (<c>SetApplicationName</c>) shares one key ring. Needs an <see cref="IGrainFactory"/>: a co-hosted silo
    /// (<c>UseOrleans</c>) or a cluster client (<c>UseOrleansClient</c>), registered before this so that the key ring is
    /// read once it has started. Keys are stored as Data Protection gives them: protect them at rest with a
    /// <c>ProtectKeysWith*</c> call.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToSessionGrains(this IDataProtectionBuilder builder, Action<SessionKeyRingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SessionKeyRingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionKeyRingOptions>, SessionKeyRingOptionsValidator>());
        builder.Services.TryAddSingleton(services => new GrainXmlRepository(
            services.GetService<IGrainFactory>()
                ?? throw new InvalidOperationException("PersistKeysToSessionGrains needs an IGrainFactory: a co-hosted silo (UseOrleans) or a cluster client (UseOrleansClient)."),
            services.GetRequiredService<IOptions<SessionKeyRingOptions>>().Value,
            services.GetService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILogger<GrainXmlRepository>>()));
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider>((keys, services) => keys.XmlRepository = services.GetRequiredService<GrainXmlRepository>());
        return builder;
    }
}
