using System.Globalization;

namespace SessionGrains.LocalFarm;

/// <summary>
/// The farm's pid files in run/: NAME.pid holds "pid starttime" of what the farm started. nginx writes its own
/// nginx.pid (the master's pid only), so nginx counts as live while that pid runs nginx with this farm's config.
/// </summary>
internal sealed class ProcessRegistry(FarmPaths paths)
{
    public void Record(string name, ProcessRecord process)
    {
        Directory.CreateDirectory(paths.Run);
        File.WriteAllText(PidFile(name), process + "\n");
    }

    /// <summary>The process recorded under <paramref name="name"/>, when it still runs.</summary>
    public ProcessRecord? Live(string name)
    {
        var text = Read(name);
        if (text is null)
        {
            return null;
        }

        if (name != "nginx")
        {
            return ProcessRecord.Parse(text) is { IsRunning: true } recorded ? recorded : null;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
            ProcessRecord.Of(pid) is { } nginx && CommandLine(pid).Contains(paths.NginxConf, StringComparison.Ordinal)
            ? nginx
            : null;
    }

    /// <summary>Removes the pid file (nginx removes its own).</summary>
    public void Forget(string name)
    {
        if (name != "nginx" || Live(name) is null)
        {
            File.Delete(PidFile(name));
        }
    }

    public void ForgetAll()
    {
        if (Directory.Exists(paths.Run))
        {
            foreach (var file in Directory.EnumerateFiles(paths.Run, "*.pid"))
            {
                File.Delete(file);
            }
        }
    }

    private string PidFile(string name) => Path.Combine(paths.Run, name + ".pid");

    private string? Read(string name)
    {
        try
        {
            return File.ReadAllText(PidFile(name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
