namespace SessionGrains.LocalFarm;

/// <summary>
/// The machine-wide lock the test suites' whole farms (farm.sh farms, the Aspire AppHost) hold while they run, so that
/// two never load the machine at once and the fault tests' time bounds mean what they say.
/// </summary>
internal static class HeavyTestLock
{
    private static string Path => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sessiongrains-heavy-tests.lock");

    /// <summary>Waits at most 20 minutes for the lock.</summary>
    public static async Task<FileLock> TakeAsync(CancellationToken cancellation = default)
        => await FileLock.TakeAsync(Path, TimeSpan.FromMinutes(20), cancellation)
            ?? throw new TimeoutException($"another test farm held {Path} for 20 minutes");
}
