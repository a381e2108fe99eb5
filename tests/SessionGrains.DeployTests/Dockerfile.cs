namespace SessionGrains.DeployTests;

/// <summary>A Dockerfile under deploy/docker, parsed into stages (comments dropped, continuation lines joined).</summary>
public sealed class Dockerfile
{
    /// <summary>The Dockerfiles' folder, relative to the repository root.</summary>
    public const string Folder = "deploy/docker";

    private Dockerfile(string path, string text, IReadOnlyList<DockerfileStage> stages)
    {
        Path = path;
        Text = text;
        Stages = stages;
    }

    /// <summary>The file, relative to the repository root.</summary>
    public string Path { get; }

    /// <summary>The file's text.</summary>
    public string Text { get; }

    /// <summary>The stages, in order.</summary>
    public IReadOnlyList<DockerfileStage> Stages { get; }

    /// <summary>The first stage (where the app is built).</summary>
    public DockerfileStage Build => Stages[0];

    /// <summary>The last stage (the image).</summary>
    public DockerfileStage Runtime => Stages[^1];

    /// <summary>The dll the runtime stage's ENTRYPOINT ["dotnet", "X.dll"] runs, or null.</summary>
    public string? EntrypointDll => Runtime.ExecEntrypoint is ["dotnet", { } dll] && dll.EndsWith(".dll", StringComparison.Ordinal) ? dll : null;

    /// <summary>The Dockerfile* files under <see cref="Folder"/>, relative to the repository root.</summary>
    public static IReadOnlyList<string> PathsUnder(RepositoryRoot root) =>
        Directory.EnumerateFiles(root.PathOf(Folder), "Dockerfile*").Select(root.RelativeOf).Order(StringComparer.Ordinal).ToList();

    /// <summary>Loads and parses one Dockerfile.</summary>
    public static Dockerfile Load(RepositoryRoot root, string path)
    {
        var text = root.Read(path);
        return new Dockerfile(path, text, Parse(text));
    }

    private static List<DockerfileStage> Parse(string text)
    {
        var stages = new List<DockerfileStage>();
        List<DockerfileInstruction>? current = null;
        foreach (var line in LogicalLines(text))
        {
            var space = line.IndexOf(' ');
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : line[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : stages.Count.ToString();
                current = [];
                stages.Add(new DockerfileStage(name, words[0], current));
            }
            else
            {
                current?.Add(new DockerfileInstruction(keyword, arguments));
            }
        }

        return stages;
    }

    private static IEnumerable<string> LogicalLines(string text)
    {
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            yield return pending + line;
            pending = "";
        }
    }
}
