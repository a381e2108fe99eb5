using System.Diagnostics;
using System.Net;
using System.Text;

using SessionGrains.Tests.Shared;
namespace SessionGrains.DeployTests;

/// <summary>A published dll run as a real process (<c>dotnet X.dll</c>) on a free loopback port, its output collected.</summary>
internal sealed class PublishedAppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PublishedAppProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output and error so far.</summary>
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

    /// <summary>Starts <paramref name="dll"/> in its folder with exactly <paramref name="environment"/> added, listening on a free loopback port.</summary>
    public static PublishedAppProcess Start(string dll, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}"; // loopback only, on a free port
        var app = new PublishedAppProcess(Process.Start(start)!, port);
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        return app;
    }

    /// <summary>The status of GET <paramref name="path"/> once the app listens; null when it exits or does not answer within <paramref name="bound"/>.</summary>
    public async Task<HttpStatusCode?> GetStatusAsync(string path, TimeSpan bound)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < bound && !_process.HasExited)
        {
            try
            {
                return (await http.GetAsync($"http://127.0.0.1:{Port}{path}")).StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(250); // not listening yet
            }
        }

        return null;
    }

    /// <summary>GET <paramref name="path"/> until it answers <paramref name="expected"/> (true) or <paramref name="bound"/> passes (false).</summary>
    public async Task<bool> AnswersAsync(string path, HttpStatusCode expected, TimeSpan bound)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < bound && !_process.HasExited)
        {
            if (await GetStatusAsync(path, bound - deadline.Elapsed) == expected)
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>Sends SIGTERM (kill's exit code).</summary>
    public int Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString()]))!;
        kill.WaitForExit();
        return kill.ExitCode;
    }

    /// <summary>Waits for the process to exit; false when it is still running after <paramref name="bound"/>.</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

}
