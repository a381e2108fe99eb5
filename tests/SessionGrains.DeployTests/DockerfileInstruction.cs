namespace SessionGrains.DeployTests;

/// <summary>One Dockerfile instruction: its keyword (upper case) and its arguments, continuation lines joined.</summary>
public sealed record DockerfileInstruction(string Keyword, string Arguments)
{
    /// <summary>The arguments split at whitespace.</summary>
    public IReadOnlyList<string> Words => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>For messages.</summary>
    public override string ToString() => $"{Keyword} {Arguments}";
}
