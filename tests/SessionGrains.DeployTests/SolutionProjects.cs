namespace SessionGrains.DeployTests;

/// <summary>The project files the solution lists (its <c>Project(...) = "name", "path", ...</c> lines), root-relative with '/'.</summary>
public static class SolutionProjects
{
    /// <summary>Every .csproj of the solution.</summary>
    public static IReadOnlySet<string> Of(RepositoryRoot root) =>
        File.ReadLines(root.SolutionPath)
            .Where(line => line.StartsWith("Project(", StringComparison.Ordinal))
            .Select(line => line.Split('"'))
            .Where(parts => parts.Length > 5 && parts[5].EndsWith(".csproj", StringComparison.Ordinal))
            .Select(parts => parts[5].Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The solution's project in this folder (a path like "src/X" or "src/X/"), or null.</summary>
    public static string? InFolder(RepositoryRoot root, string folder) =>
        Of(root).FirstOrDefault(p => Path.GetDirectoryName(p)?.Replace('\\', '/') == folder.TrimEnd('/'));
}
