using System.Diagnostics;

namespace SessionGrains.LocalFarm;

/// <summary>
/// Starts a process that outlives whoever started it: its own session (setsid), stdin from /dev/null, stdout and stderr
/// appended to a log file, no inherited descriptor beyond those. The pid stays the same through bash and setsid (both
/// exec), so the returned record names the program itself.
/// </summary>
internal static class DetachedProcess
{
    // $1 = log file, $2.. = the command. Closes every inherited descriptor above 2 (a caller's pipes, locks).
    private const string Launcher = """
        log=$1; shift
        for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; if ((fd > 2)); then exec {fd}>&-; fi; done 2>/dev/null
        exec setsid "$@" </dev/null >>"$log" 2>&1
        """;

    /// <summary>Starts <paramref name="command"/> in <paramref name="folder"/> with <paramref name="environment"/> added.</summary>
    public static ProcessRecord Start(string logFile, string folder, IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string> environment)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        File.AppendAllText(logFile, $"=== {DateTime.Now:yyyy-MM-dd HH:mm:ss} starting {Path.GetFileNameWithoutExtension(logFile)}: {string.Join(' ', command)}\n");
        var start = new ProcessStartInfo("bash") { WorkingDirectory = folder, UseShellExecute = false };
        foreach (var argument in (string[])["-c", Launcher, "farm-launcher", logFile, .. command])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new FarmException($"could not start {command[0]}");
        return ProcessRecord.Of(process.Id) ??
            throw new FarmException($"{command[0]} exited immediately: {FarmLog.TailOf(logFile)}");
    }
}
