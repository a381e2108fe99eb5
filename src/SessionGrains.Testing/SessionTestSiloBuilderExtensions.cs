using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using SessionGrains.Server;

namespace Orleans.Hosting;

/// <summary>Configures silos for tests of session grains and of the apps that use them.</summary>
public static class SessionTestSiloBuilderExtensions
{
    /// <summary>The sweep and reminder period of test silos: expiry sweepers and users' index sweeps run every second.</summary>
    public static readonly TimeSpan TestReminderPeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Session grains on memory storage named <paramref name="storageName"/> ("sessions" by default), in-memory reminders,
    /// and session time from <paramref name="sessionClock"/> (see <see cref="UseSessionTestTime"/>).
    /// </summary>
    public static ISiloBuilder AddSessionGrainsForTests(
        this ISiloBuilder silo, TimeProvider sessionClock, string storageName = SessionSiloOptions.DefaultStorageName)
        => silo
            .AddSessionGrains()
            .AddSessionMemoryStorage(storageName)
            .UseInMemoryReminderService()
            .UseSessionTestTime(sessionClock);

    /// <summary>
    /// Session time (expiry, last access) from <paramref name="sessionClock"/>, usually a FakeTimeProvider, while Orleans'
    /// own timers keep real time; expiry sweeps and users' index sweeps every <see cref="TestReminderPeriod"/>.
    /// </summary>
    public static ISiloBuilder UseSessionTestTime(this ISiloBuilder silo, TimeProvider sessionClock)
    {
        silo.Services.Configure<SessionSiloOptions>(o => (o.ExpirySweepInterval, o.UserIndexSweepPeriod) = (TestReminderPeriod, TestReminderPeriod));
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TestReminderPeriod);
        silo.Services.AddKeyedSingleton(SessionGrainServiceKeys.TimeProvider, sessionClock);
        return silo;
    }
}
