using System.Text;
using System.Text.RegularExpressions;

namespace SessionGrains.DeployTests;

/// <summary>The build context's .dockerignore: which root-relative paths Docker leaves out of the context.</summary>
public sealed class DockerIgnore
{
    /// <summary>The file, at the repository root (the build context).</summary>
    public const string FileName = ".dockerignore";

    private readonly IReadOnlyList<(Regex Pattern, bool Negated)> _rules;

    private DockerIgnore(IReadOnlyList<(Regex, bool)> rules) => _rules = rules;

    /// <summary>Loads the repository's .dockerignore (none: nothing ignored).</summary>
    public static DockerIgnore Load(RepositoryRoot root)
    {
        var path = root.PathOf(FileName);
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        return new DockerIgnore(lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (ToRegex(l.TrimStart('!').Trim('/')), l.StartsWith('!'))).ToList());
    }

    /// <summary>Whether the path (root-relative, '/'), or a folder holding it, is excluded; the last matching rule wins.</summary>
    public bool Ignores(string path)
    {
        var parts = path.Split('/');
        var prefixes = Enumerable.Range(1, parts.Length).Select(n => string.Join('/', parts[..n])).ToList();
        var ignored = false;
        foreach (var (pattern, negated) in _rules)
        {
            if (prefixes.Any(pattern.IsMatch))
            {
                ignored = !negated;
            }
        }

        return ignored;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i..].StartsWith("**/", StringComparison.Ordinal))
            {
                regex.Append("(?:.*/)?");
                i += 2;
            }
            else if (pattern[i..].StartsWith("**", StringComparison.Ordinal))
            {
                regex.Append(".*");
                i++;
            }
            else
            {
                regex.Append(pattern[i] switch { '*' => "[^/]*", '?' => "[^/]", var c => Regex.Escape(c.ToString()) });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
