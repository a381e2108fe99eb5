using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Xunit;

namespace SessionGrains.Tests.Shared;

/// <summary>Runs node or npm to completion for the interop tests; a missing Node.js or a hang fails the test by name.</summary>
public static class NodeProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (Win32Exception exception)
        {
            Assert.Fail($"'{fileName}' could not be started (is Node.js 20+ with npm installed and on PATH?): {exception.Message}");
            throw; // unreachable
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"'{fileName} {string.Join(' ', start.ArgumentList)}' did not finish within {timeout}:\n{await stdout}\n{await stderr}");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
