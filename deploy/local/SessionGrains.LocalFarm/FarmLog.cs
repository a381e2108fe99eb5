using System.Globalization;

namespace SessionGrains.LocalFarm;

/// <summary>The farm's progress lines ("HH:mm:ss farm: ...") and tails of the processes' log files.</summary>
internal sealed class FarmLog(TextWriter writer, FarmPaths paths)
{
    public void Info(string message)
    {
        lock (writer)
        {
            writer.WriteLine($"{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} farm: {message}");
            writer.Flush();
        }
    }

    /// <summary>The log file of a farm process (nginx: its error log).</summary>
    public string FileOf(string name) => Path.Combine(paths.Logs, name == "nginx" ? "nginx-error.log" : name + ".log");

    /// <summary>Writes the last <paramref name="lines"/> lines of <paramref name="name"/>'s log, each prefixed "  [name] ".</summary>
    public void Tail(string name, int lines = 25)
    {
        foreach (var line in LastLines(FileOf(name), lines))
        {
            lock (writer)
            {
                writer.WriteLine($"  [{name}] {line}");
            }
        }
    }

    /// <summary>The last lines of a file, joined by newlines ("" when it does not exist).</summary>
    public static string TailOf(string file, int lines = 20) => string.Join('\n', LastLines(file, lines));

    public static IReadOnlyList<string> LastLines(string file, int lines)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        var queue = new Queue<string>();
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line)
        {
            queue.Enqueue(line);
            if (queue.Count > lines)
            {
                queue.Dequeue();
            }
        }

        return [.. queue];
    }
}
