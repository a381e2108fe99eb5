namespace SessionGrains.DeployTests;

/// <summary>(c) The build context leaves out host build output (a host obj/ would break the image's own restore).</summary>
public sealed class DockerIgnoreTests
{
    private readonly RepositoryRoot _root = RepositoryRoot.Find();

    [Fact]
    public void Host_build_output_of_every_project_and_the_local_farm_are_excluded_and_sources_kept()
    {
        Assert.True(File.Exists(_root.PathOf(DockerIgnore.FileName)), $"no {DockerIgnore.FileName} at the repository root");
        var ignore = DockerIgnore.Load(_root);
        var projects = SolutionProjects.Of(_root);
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var folder = Path.GetDirectoryName(project)!.Replace('\\', '/');
            Assert.True(ignore.Ignores($"{folder}/obj/project.assets.json"), $"{DockerIgnore.FileName} keeps {folder}/obj");
            Assert.True(ignore.Ignores($"{folder}/bin/Debug/x.dll"), $"{DockerIgnore.FileName} keeps {folder}/bin");
            Assert.False(ignore.Ignores(project), $"{DockerIgnore.FileName} excludes {project}");
        }

        Assert.True(ignore.Ignores("deploy/local/node_modules/x/index.js"), $"{DockerIgnore.FileName} keeps node_modules");
        Assert.True(ignore.Ignores("deploy/local/.farm/x"), $"{DockerIgnore.FileName} keeps the local farm's state");
    }
}
