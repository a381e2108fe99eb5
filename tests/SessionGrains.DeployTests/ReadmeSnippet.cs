namespace SessionGrains.DeployTests;

/// <summary>
/// A code block of README.md marked for tests: <c>&lt;!-- snippet: NAME --&gt;</c>, a fenced block, then
/// <c>&lt;!-- /snippet --&gt;</c>. Tests run the block as written, so it cannot drift from what works.
/// </summary>
public static class ReadmeSnippet
{
    /// <summary>The README's file name at the root.</summary>
    public const string FileName = "README.md";

    /// <summary>The text between the fences of the snippet named <paramref name="name"/>.</summary>
    public static string Read(RepositoryRoot root, string name)
    {
        var lines = File.ReadAllLines(root.PathOf(FileName));
        var marker = Array.IndexOf(lines, $"<!-- snippet: {name} -->");
        if (marker < 0 || marker + 1 >= lines.Length || !lines[marker + 1].StartsWith("```", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{FileName}: no '<!-- snippet: {name} -->' line followed by a fenced code block.");
        }

        var close = Array.IndexOf(lines, "```", marker + 2);
        if (close < 0 || close + 1 >= lines.Length || lines[close + 1] != "<!-- /snippet -->")
        {
            throw new InvalidOperationException($"{FileName}: snippet {name}'s code block is not closed by ``` and '<!-- /snippet -->'.");
        }

        return string.Join('\n', lines[(marker + 2)..close]) + "\n";
    }
}
