using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using SessionGrains;
using SessionGrains.Server;

namespace Orleans.Hosting;

/// <summary>Registers SessionGrains in a silo.</summary>
public static class SessionGrainsSiloBuilderExtensions
{
    /// <summary>
    /// Adds the session grains and their expiry sweepers. The silo also needs a grain storage provider named
    /// <see cref="SessionSiloOptions.StorageName"/>, a reminder service and, beside durable storage, a durable expiry
    /// index (<see cref="AddSessionExpiryIndex"/>).
    /// </summary>
    public static ISiloBuilder AddSessionGrains(this ISiloBuilder builder, Action<SessionSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SessionSiloOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionSiloOptions>, SessionSiloOptionsValidator>());

        builder.Services.TryAddKeyedSingleton(SessionGrainServiceKeys.TimeProvider,
            (services, _) => services.GetService<TimeProvider>() ?? TimeProvider.System);
        builder.Services.AddSingleton<LocalSessionDirectory>();
        builder.Services.TryAddSingleton<GrainStateFactory>();
        builder.Services.AddMetrics();
        if (!builder.Services.Any(d => d.ServiceType == typeof(SessionSiloMetrics)))
        {
            builder.Services.AddSingleton<SessionSiloMetrics>();
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SessionSiloMetrics>());
        }
        if (!builder.Services.Any(d => d.ServiceType == typeof(SessionEventDispatcher)))
        {
            builder.Services.AddSingleton<SessionEventDispatcher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionEventDispatcher>());
        }
        builder.Services.AddSingleton<ILocalSessionReader>(sp => sp.GetRequiredService<LocalSessionDirectory>());
        builder.Services.TryAddSingleton<ISessionExpiryIndex, MemorySessionExpiryIndex>();
        if (!builder.Services.Any(d => d.ImplementationType == typeof(ExpirySweepStarter)))
        {
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ExpirySweepStarter>();
        }

        builder.Services.AddOptions<GrainCollectionOptions>()
            .Configure<IOptions<SessionSiloOptions>>((collection, sessions) =>
                collection.ClassSpecificCollectionAge[typeof(SessionGrain).FullName!] = sessions.Value.CollectionAge);
        return builder;
    }

    /// <summary>
    /// Replaces the in-memory expiry index with the one <paramref name="factory"/> makes: durable records need a durable
    /// index, or sessions stored before a whole-cluster restart are never deleted.
    /// </summary>
    public static ISiloBuilder AddSessionExpiryIndex(this ISiloBuilder builder, Func<IServiceProvider, ISessionExpiryIndex> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<ISessionExpiryIndex>();
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>Registers <typeparamref name="THandler"/> to receive the lifecycle events raised on this silo.</summary>
    public static ISiloBuilder AddSessionLifecycleHandler<THandler>(this ISiloBuilder builder)
        where THandler : class, ISessionLifecycleHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ISessionLifecycleHandler, THandler>();
        return builder;
    }

    /// <summary>Registers the lifecycle handler <paramref name="factory"/> makes.</summary>
    public static ISiloBuilder AddSessionLifecycleHandler(this ISiloBuilder builder, Func<IServiceProvider, ISessionLifecycleHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>
    /// Adds Orleans' memory grain storage as <paramref name="name"/> ("sessions" by default), storing records in Orleans'
    /// binary format, which is faster than the default JSON and read by nothing else. Not durable: for development, tests
    /// and single-process deployments that accept losing sessions on restart.
    /// </summary>
    public static ISiloBuilder AddSessionMemoryStorage(this ISiloBuilder builder, string name = SessionSiloOptions.DefaultStorageName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.AddMemoryGrainStorage(name, options => options.Configure<Serializer>(
            (storage, serializer) => storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
    }

    /// <summary>
    /// Adds grain storage in this silo's own memory as <paramref name="name"/>, for a cluster of exactly one silo (while
    /// another silo is active, storage calls throw). Not durable: lost with the process.
    /// </summary>
    public static ISiloBuilder AddSessionSingleSiloStorage(this ISiloBuilder builder, string name = SessionSiloOptions.DefaultStorageName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.Services.AddGrainStorage(name, (services, _) => ActivatorUtilities.CreateInstance<SingleSiloGrainStorage>(services));
        return builder;
    }
}
