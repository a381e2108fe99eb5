namespace SessionGrains.DeployTests;

/// <summary>The repository's root: the nearest folder above the test binaries that holds the solution file.</summary>
public sealed class RepositoryRoot
{
    /// <summary>The solution file that marks the root.</summary>
    public const string SolutionFileName = "SessionGrains.sln";

    private RepositoryRoot(string fullPath) => FullPath = fullPath;

    /// <summary>The root folder's absolute path.</summary>
    public string FullPath { get; }

    /// <summary>The solution file's absolute path.</summary>
    public string SolutionPath => PathOf(SolutionFileName);

    /// <summary>Walks up from <see cref="AppContext.BaseDirectory"/>.</summary>
    public static RepositoryRoot Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
            {
                return new RepositoryRoot(dir.FullName);
            }
        }

        throw new InvalidOperationException($"No {SolutionFileName} above {AppContext.BaseDirectory}.");
    }

    /// <summary>The absolute path of a root-relative path written with '/'.</summary>
    public string PathOf(string relative) => Path.Combine(FullPath, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The root-relative path, with '/', of an absolute path.</summary>
    public string RelativeOf(string fullPath) => Path.GetRelativePath(FullPath, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>The text of a root-relative file.</summary>
    public string Read(string relative) => File.ReadAllText(PathOf(relative));
}
