using System.Text;

namespace SessionGrains.DeployTests;

/// <summary>
/// Replays a Dockerfile's build stage with the local SDK: its COPY steps (filtered by .dockerignore) into a scratch
/// folder, then its RUN dotnet steps there, with /app replaced by a scratch output folder.
/// </summary>
public sealed class BuildStageReplay
{
    private static readonly string[] HostOutputFolders = ["bin", "obj", "node_modules"];

    private readonly StringBuilder _log = new();

    private BuildStageReplay(string output) => Output = output;

    /// <summary>Where /app went.</summary>
    public string Output { get; }

    /// <summary>Why the replay stopped, or null when every step succeeded.</summary>
    public string? Failure { get; private set; }

    /// <summary>Copied files that are host build output (bin/, obj/, node_modules/).</summary>
    public List<string> LeakedHostOutput { get; } = [];

    /// <summary>The commands run and their output.</summary>
    public string Log => _log.ToString();

    /// <summary>Replays <paramref name="dockerfile"/>'s build stage under <paramref name="scratch"/>.</summary>
    public static async Task<BuildStageReplay> RunAsync(RepositoryRoot root, Dockerfile dockerfile, string scratch)
    {
        var replay = new BuildStageReplay(Path.Combine(scratch, "app"));
        var context = Path.Combine(scratch, "fs");
        var ignore = DockerIgnore.Load(root);
        var workdir = "/";
        var environment = new Dictionary<string, string>();
        foreach (var step in dockerfile.Build.Instructions)
        {
            switch (step.Keyword)
            {
                case "WORKDIR":
                    workdir = Path.Combine(workdir, step.Arguments);
                    Directory.CreateDirectory(context + workdir);
                    break;
                case "ENV":
                    foreach (var (key, value) in new DockerfileStage("", "", [step]).Environment)
                    {
                        environment[key] = value;
                    }

                    break;
                case "COPY" when !step.Arguments.StartsWith("--", StringComparison.Ordinal):
                    replay.Failure = replay.Copy(root, ignore, step.Words, context, workdir);
                    break;
                case "RUN" when step.Words is ["dotnet", ..]:
                    replay.Failure = await replay.RunAsync(step, context + workdir, environment);
                    break;
                case "ARG" or "LABEL":
                    break;
                default:
                    replay.Failure = $"{dockerfile.Path}: cannot replay {step}";
                    break;
            }

            if (replay.Failure is not null)
            {
                break;
            }
        }

        return replay;
    }

    private string? Copy(RepositoryRoot root, DockerIgnore ignore, IReadOnlyList<string> words, string context, string workdir)
    {
        var destination = words[^1];
        var target = context + (destination.StartsWith('/') ? destination : Path.Combine(workdir, destination));
        var intoFolder = destination.EndsWith('/') || words.Count > 2 || destination is "." or "./";
        foreach (var source in words.SkipLast(1).Select(s => s.TrimEnd('/')))
        {
            var full = root.PathOf(source);
            if (ignore.Ignores(source) || !(File.Exists(full) || Directory.Exists(full)))
            {
                return $"COPY {source}: not in the build context (missing, or excluded by {DockerIgnore.FileName})";
            }

            if (File.Exists(full))
            {
                var file = intoFolder ? Path.Combine(target, Path.GetFileName(full)) : target;
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.Copy(full, file, overwrite: true);
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Select(root.RelativeOf).Where(f => !ignore.Ignores(f)))
            {
                if (file.Split('/').Intersect(HostOutputFolders).Any())
                {
                    LeakedHostOutput.Add(file);
                }

                var copy = Path.Combine(target, Path.GetRelativePath(full, root.PathOf(file)));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(root.PathOf(file), copy, overwrite: true);
            }
        }

        return null;
    }

    private async Task<string?> RunAsync(DockerfileInstruction step, string directory, Dictionary<string, string> environment)
    {
        var start = DotnetCommand.StartInfo(directory, step.Words.Skip(1).Select(word => word == "/app" ? Output : word));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _log.AppendLine($"$ {step.Arguments}");
        var result = await DotnetCommand.RunAsync(start, TimeSpan.FromMinutes(5));
        _log.Append(result.Output);
        return result.Succeeded ? null : $"RUN {step.Arguments} failed:\n{string.Join('\n', Log.Split('\n').TakeLast(25))}";
    }
}
