using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.Storage;
using SessionGrains.AspNetCore;
using SessionGrains.Server;
using Xunit;

namespace SessionGrains.Tests.Shared;

/// <summary>
/// What a test silo shares with its tests: a fake session clock, storage operation counts, a call counter and the
/// session grain's log records. One instance serves every silo of a cluster.
/// </summary>
public sealed class SessionTestSilo
{
    public const string InnerStorageName = "sessions-memory";

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public StorageOperationCounts StorageCounts { get; } = new();
    public SessionGrainCallCounter Calls { get; } = new();
    public SessionCallFaults Faults { get; } = new();
    public SessionEventRecorder Events { get; } = new();
    public FakeLogCollector Logs { get; } = FakeLogCollector.Create(new FakeLogCollectorOptions
    {
        FilteredCategories = { typeof(SessionGrain).FullName! },
    });

    /// <summary>A session ID as front ends make them: 24 bytes from a CSPRNG, base64url.</summary>
    public static string NewSessionId() => SessionIdGenerator.NewId();

    public static GrainId GrainIdOf(string sessionId) => GrainId.Create(SessionGrainNames.SessionGrainType, sessionId);

    /// <summary>
    /// SessionGrains.Testing's test silo (memory storage, in-memory reminders with a 1-second period, the fake session
    /// clock) with the storage behind a counting decorator, and the hooks of <see cref="ConfigureTestHooks"/>.
    /// </summary>
    public void Configure(ISiloBuilder silo)
    {
        silo.AddSessionGrainsForTests(Clock, InnerStorageName);
        silo.Services.AddKeyedSingleton<IGrainStorage>(SessionSiloOptions.DefaultStorageName, (sp, _) =>
            new CountingGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorageName), StorageCounts));
        AddCallHooks(silo);
    }

    /// <summary>
    /// For silos whose storage and reminders are set up elsewhere: 1-second reminders, the fake session clock, the call
    /// counter, the fault injector (unarmed), lifecycle handlers (one failing, then the recorder) and the session grain's
    /// debug logs.
    /// </summary>
    public void ConfigureTestHooks(ISiloBuilder silo)
    {
        silo.UseSessionTestTime(Clock);
        AddCallHooks(silo);
    }

    private void AddCallHooks(ISiloBuilder silo)
    {
        silo.AddIncomingGrainCallFilter(Calls);
        silo.AddIncomingGrainCallFilter(Faults);
        silo.AddSessionLifecycleHandler<FailingSessionEventHandler>();
        silo.AddSessionLifecycleHandler(_ => Events);
        silo.Services.AddLogging(logging => logging
            .AddProvider(new FakeLoggerProvider(Logs))
            .AddFilter(typeof(SessionGrain).FullName, LogLevel.Debug));
    }

    /// <summary>Reads the stored record straight from the memory storage provider of a silo, bypassing the grain.</summary>
    internal static async Task<SessionRecord?> ReadStoredRecordAsync(IServiceProvider siloServices, string sessionId)
    {
        var storage = siloServices.GetRequiredKeyedService<IGrainStorage>(InnerStorageName);
        var state = new GrainState<SessionRecord>();
        await storage.ReadStateAsync(SessionGrainNames.SessionState, GrainIdOf(sessionId), state);
        return state.RecordExists ? state.State : null;
    }

    /// <summary>Reads a user's stored session index straight from the memory storage provider of a silo; null when none is stored.</summary>
    internal static async Task<UserSessionIndex?> ReadStoredUserIndexAsync(IServiceProvider siloServices, string userId)
    {
        var storage = siloServices.GetRequiredKeyedService<IGrainStorage>(InnerStorageName);
        var state = new GrainState<UserSessionIndex>();
        await storage.ReadStateAsync(SessionGrainNames.UserIndexState, GrainId.Create(SessionGrainNames.UserIndexGrainType, userId), state);
        return state.RecordExists ? state.State : null;
    }

    /// <summary>Writes a record straight into the memory storage provider of a silo, as an older version would have stored it.</summary>
    internal static Task WriteStoredRecordAsync(IServiceProvider siloServices, string sessionId, SessionRecord record)
    {
        var storage = siloServices.GetRequiredKeyedService<IGrainStorage>(InnerStorageName);
        return storage.WriteStateAsync(SessionGrainNames.SessionState, GrainIdOf(sessionId), new GrainState<SessionRecord>(record));
    }

    /// <summary>A one-key record last accessed at <paramref name="lastAccess"/> with a 20-minute idle timeout, to store bypassing the grain.</summary>
    internal static SessionRecord OneKeyRecord(DateTimeOffset lastAccess) => new()
    {
        Data = new(StringComparer.Ordinal) { ["user"] = "ada"u8.ToArray() },
        Version = 1,
        CreatedAt = lastAccess,
        LastAccessAt = lastAccess,
        IdleTimeout = TimeSpan.FromMinutes(20),
        AbsoluteExpiresAt = lastAccess + TimeSpan.FromDays(1),
    };

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <paramref name="timeout"/> (10 s by default).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }
}
