using System.Text.Json;

namespace SessionGrains.DeployTests;

/// <summary>One stage of a Dockerfile: FROM's image, its name (AS ...), and its instructions after FROM.</summary>
public sealed record DockerfileStage(string Name, string BaseImage, IReadOnlyList<DockerfileInstruction> Instructions)
{
    /// <summary>The instructions with this keyword.</summary>
    public IEnumerable<DockerfileInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    /// <summary>The ports of the EXPOSE instructions.</summary>
    public IReadOnlySet<int> ExposedPorts => All("EXPOSE").SelectMany(i => i.Words).Select(w => int.Parse(w.Split('/')[0])).ToHashSet();

    /// <summary>The ENV variables (key=value form), later ones winning.</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var env = new Dictionary<string, string>();
            foreach (var word in All("ENV").SelectMany(i => i.Words).Where(w => w.Contains('=')))
            {
                env[word[..word.IndexOf('=')]] = word[(word.IndexOf('=') + 1)..];
            }

            return env;
        }
    }

    /// <summary>The last ENTRYPOINT in exec form (a JSON array), or null when there is none or it is in shell form.</summary>
    public IReadOnlyList<string>? ExecEntrypoint
    {
        get
        {
            var entrypoint = All("ENTRYPOINT").LastOrDefault()?.Arguments;
            try
            {
                return entrypoint is null ? null : JsonSerializer.Deserialize<string[]>(entrypoint);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
