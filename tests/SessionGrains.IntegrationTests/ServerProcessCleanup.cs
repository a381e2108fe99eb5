using SessionGrains.LocalFarm;

namespace SessionGrains.IntegrationTests;

/// <summary>How the fixtures' own servers (Azurite, redis-server) end: SIGKILL, a wait of at most 5 s, their folder deleted.</summary>
internal static class ServerProcessCleanup
{
    public static async Task KillAndDeleteAsync(ProcessRecord? process, string folder)
    {
        if (process is { } running)
        {
            running.Signal(ProcessRecord.SigKill);
            for (var i = 0; i < 50 && running.IsRunning; i++)
            {
                await Task.Delay(100);
            }
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
