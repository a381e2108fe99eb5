using System.Globalization;
using System.Runtime.InteropServices;

namespace SessionGrains.LocalFarm;

/// <summary>
/// One exact process: its pid and its start time (clock ticks since boot, field 22 of /proc/PID/stat). A recycled pid
/// has another start time, so a record never names a process it did not start.
/// </summary>
internal readonly record struct ProcessRecord(int Pid, long StartTime)
{
    public const int SigInt = 2; // PostgreSQL: fast shutdown (disconnects clients, then checkpoints)
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>True while this exact process runs (a zombie counts as gone).</summary>
    public bool IsRunning => StartTimeOf(Pid) == StartTime;

    /// <summary>The record of the running process <paramref name="pid"/>, or null when it is gone or a zombie.</summary>
    public static ProcessRecord? Of(int pid) => StartTimeOf(pid) is { } start ? new ProcessRecord(pid, start) : null;

    /// <summary>Signals the process, only while it is still this exact process.</summary>
    public void Signal(int signal)
    {
        if (IsRunning)
        {
            _ = kill(Pid, signal);
        }
    }

    /// <summary>The running direct children of this process.</summary>
    public IReadOnlyList<ProcessRecord> Children()
    {
        var children = new List<ProcessRecord>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                Stat(pid) is { } fields && fields[1] == Pid.ToString(CultureInfo.InvariantCulture) && Of(pid) is { } child)
            {
                children.Add(child);
            }
        }

        return children;
    }

    /// <summary>"pid starttime", as the pid files hold it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTime}");

    public static ProcessRecord? Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
            long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new ProcessRecord(pid, start)
            : null;
    }

    private static long? StartTimeOf(int pid)
        => Stat(pid) is { } f && f[0] is not ("Z" or "X") && long.TryParse(f[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? start
            : null;

    // The fields of /proc/PID/stat after "(comm) ": state, ppid, ... (index 19 is the start time); null when gone.
    private static string[]? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = text[(text.LastIndexOf(") ", StringComparison.Ordinal) + 2)..].Split(' ');
        return fields.Length > 19 ? fields : null;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
