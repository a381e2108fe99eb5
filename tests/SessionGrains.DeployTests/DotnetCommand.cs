using System.Diagnostics;
using System.Text;

namespace SessionGrains.DeployTests;

/// <summary>The dotnet CLI as a child process: without the test host's MSBuild environment, bounded in time.</summary>
public static class DotnetCommand
{
    /// <summary>
    /// A start for <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/>, output redirected.
    /// The test host's MSBuild variables would point a nested build at the outer one's SDK state, so they are removed.
    /// </summary>
    public static ProcessStartInfo StartInfo(string directory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
        {
            start.Environment.Remove(name);
        }

        return start;
    }

    /// <summary>Runs <paramref name="start"/> to its end, or kills it after <paramref name="bound"/>.</summary>
    public static async Task<DotnetCommandResult> RunAsync(ProcessStartInfo start, TimeSpan bound)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var text = new StringBuilder().AppendLine(await output).AppendLine(await errors).ToString();
        return new DotnetCommandResult(timeout.IsCancellationRequested ? null : process.ExitCode, text);
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/> (see <see cref="StartInfo"/>).</summary>
    public static Task<DotnetCommandResult> RunAsync(string directory, TimeSpan bound, params string[] arguments) =>
        RunAsync(StartInfo(directory, arguments), bound);
}
