using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionGrains.DeployTests;

/// <summary>A built app started with <c>dotnet app.dll</c> on a free loopback port; disposing it kills it.</summary>
public sealed partial class RunningApp : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningApp(ProcessStartInfo start)
    {
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"The app exited ({_process.ExitCode}) before listening."));
    }

    /// <summary>Everything it wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="dll"/> in its folder with <paramref name="environment"/>, listening on 127.0.0.1 at a port
    /// Kestrel picks, and waits up to <paramref name="bound"/> for the address it logs ("Now listening on: ...").
    /// </summary>
    public static async Task<RunningApp> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, TimeSpan bound)
    {
        var start = DotnetCommand.StartInfo(Path.GetDirectoryName(dll)!, [dll]);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        var app = new RunningApp(start);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        try
        {
            app.Address = await app._listening.Task.WaitAsync(bound);
            return app;
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            var output = app.Output;
            app.Dispose();
            throw new InvalidOperationException($"{Path.GetFileName(dll)} did not listen within {bound.TotalSeconds} s ({exception.Message}):\n{output}");
        }
    }

    /// <summary>The address it listens on.</summary>
    public Uri Address { get; private set; } = null!;

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
