namespace SessionGrains.DeployTests;

/// <summary>How a dotnet command ended: its exit code (null when it ran out of time and was killed) and its output.</summary>
public sealed record DotnetCommandResult(int? ExitCode, string Output)
{
    /// <summary>Whether it exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>The end of the output, for a failure message.</summary>
    public string Tail => string.Join('\n', Output.Split('\n').TakeLast(40));
}
