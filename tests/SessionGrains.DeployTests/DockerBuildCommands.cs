namespace SessionGrains.DeployTests;

/// <summary>The <c>docker build -f FILE -t TAG</c> command lines of a text (deploy/README.md, a Dockerfile's comment).</summary>
public static class DockerBuildCommands
{
    /// <summary>(Dockerfile, tag) of each line that runs docker build with both -f and -t.</summary>
    public static IReadOnlyList<(string Dockerfile, string Tag)> In(string text)
    {
        var builds = new List<(string, string)>();
        foreach (var line in text.Split('\n').Where(l => l.Contains("docker build", StringComparison.Ordinal)))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var file = ValueOf(words, "-f", "--file");
            var tag = ValueOf(words, "-t", "--tag");
            if (file is not null && tag is not null)
            {
                builds.Add((file, tag));
            }
        }

        return builds;
    }

    private static string? ValueOf(string[] words, string shortName, string longName)
    {
        for (var i = 0; i < words.Length; i++)
        {
            if ((words[i] == shortName || words[i] == longName) && i + 1 < words.Length)
            {
                return words[i + 1];
            }

            if (words[i].StartsWith(longName + "=", StringComparison.Ordinal))
            {
                return words[i][(longName.Length + 1)..];
            }
        }

        return null;
    }
}
