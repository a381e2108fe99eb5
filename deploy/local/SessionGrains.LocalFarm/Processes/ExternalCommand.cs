using System.Diagnostics;

namespace SessionGrains.LocalFarm;

/// <summary>
/// Runs a short-lived tool (apt-get, npm, dotnet publish, nginx) to completion, stdin from /dev/null and its output
/// appended to a log file (no pipes: a daemon it leaves behind, as nginx's, cannot hold them open).
/// </summary>
internal static class ExternalCommand
{
    // $1 = log file, $2.. = the command. No inherited descriptor above 2 reaches it (nginx keeps what it gets).
    private const string Launcher = """
        log=$1; shift
        for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; if ((fd > 2)); then exec {fd}>&-; fi; done 2>/dev/null
        exec "$@" </dev/null >>"$log" 2>&1
        """;

    /// <summary>The exit code; the process is killed after <paramref name="timeout"/> (exit code -1).</summary>
    public static async Task<int> RunAsync(string logFile, string folder, IReadOnlyList<string> command,
        TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellation = default)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = folder, UseShellExecute = false };
        foreach (var argument in (string[])["-c", Launcher, "farm-run", logFile, .. command])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        using var process = Process.Start(start) ?? throw new FarmException($"could not run {command[0]}");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellation.ThrowIfCancellationRequested();
            return -1;
        }
    }
}
