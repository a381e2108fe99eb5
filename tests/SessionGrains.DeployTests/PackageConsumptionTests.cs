using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SessionGrains.DeployTests;

/// <summary>
/// The packages as a user gets them: the solution packed into a scratch folder outside the repository (so none of its
/// Directory.*.props apply), a fresh <c>dotnet new web</c> app that adds them as README's install snippet says, README's
/// quickstart snippet as its Program.cs, built and run on loopback. Each run packs a version of its own
/// (VersionPrefix-ci.TICKS), so no earlier run's packages in the global packages folder can stand in for these.
/// </summary>
public sealed partial class PackageConsumptionTests
{
    private static readonly TimeSpan CommandBound = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The library projects under src/: what packing the solution must make, and nothing else. A new library goes here
    /// and into this project's references (packing does not build).
    /// </summary>
    private static readonly string[] LibraryPackages =
        ["SessionGrains.Abstractions", "SessionGrains.AspNetCore", "SessionGrains.Hosting", "SessionGrains.Server", "SessionGrains.Testing"];

    [Fact]
    public async Task A_fresh_web_app_with_the_packages_and_the_README_snippet_keeps_a_counter_and_restarts_a_tampered_session()
    {
        var root = RepositoryRoot.Find();
        var scratch = Directory.CreateTempSubdirectory("sessiongrains-packages-").FullName;
        var version = $"{VersionPrefix(root)}-ci.{DateTime.UtcNow.Ticks}";
        var app = Path.Combine(scratch, "Quickstart");
        try
        {
            var feed = await PackAsync(root, scratch, version);
            await CreateAppAsync(root, scratch, app, feed, version);
            var build = await DotnetCommand.RunAsync(app, CommandBound, "build", "-p:TreatWarningsAsErrors=true", "-p:WarningsNotAsErrors=NU1603");
            Assert.True(build.Succeeded, $"dotnet build of the README's quickstart against the packages failed:\n{build.Tail}");

            using var running = await RunningApp.StartAsync(Path.Combine(app, "bin", "Debug", "net10.0", "Quickstart.dll"), new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Session__Secrets__0"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            }, StartBound);
            await AssertCounterAndTamperingAsync(running);
        }
        finally
        {
            RemoveFromGlobalPackages(app, version);
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Packs the solution as built for this test run (no build: the test project references every library).</summary>
    private static async Task<string> PackAsync(RepositoryRoot root, string scratch, string version)
    {
        var feed = Path.Combine(scratch, "packages");
        var configuration = typeof(PackageConsumptionTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var pack = await DotnetCommand.RunAsync(root.FullPath, CommandBound,
            "pack", root.SolutionPath, "--no-build", "-c", configuration, "-o", feed, "--version-suffix", version[(version.IndexOf('-') + 1)..],
            $"-p:NuspecOutputPath={Path.Combine(scratch, "nuspec")}{Path.DirectorySeparatorChar}"); // not into the repository's obj/
        Assert.True(pack.Succeeded, $"dotnet pack failed:\n{pack.Tail}");

        var expected = LibraryPackages.SelectMany(id => new[] { $"{id}.{version}.nupkg", $"{id}.{version}.snupkg" }).Order();
        Assert.Equal(expected, Directory.EnumerateFiles(feed).Select(Path.GetFileName).Order());
        return feed;
    }

    /// <summary>dotnet new web, a nuget.config adding the feed (machine-wide sources stay), README's two snippets.</summary>
    private static async Task CreateAppAsync(RepositoryRoot root, string scratch, string app, string feed, string version)
    {
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(scratch, file), "<Project />\n"); // MSBuild looks no further up than these
        }

        var created = await DotnetCommand.RunAsync(scratch, CommandBound, "new", "web", "--name", "Quickstart", "--output", app, "--no-restore");
        Assert.True(created.Succeeded, $"dotnet new web failed:\n{created.Tail}");
        new XDocument(new XElement("configuration", new XElement("packageSources",
            new XElement("add", new XAttribute("key", "sessiongrains-under-test"), new XAttribute("value", feed))))).Save(Path.Combine(app, "nuget.config"));

        var packages = AddPackageLine().Matches(ReadmeSnippet.Read(root, "install")).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(packages);
        Assert.All(packages, id => Assert.Contains(id, LibraryPackages));
        foreach (var id in packages)
        {
            var added = await DotnetCommand.RunAsync(app, CommandBound, "add", "package", id, "--version", version, "--no-restore");
            Assert.True(added.Succeeded, $"dotnet add package {id} failed:\n{added.Tail}");
        }

        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeSnippet.Read(root, "quickstart"));
    }

    private static async Task AssertCounterAndTamperingAsync(RunningApp app)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };
        var (first, cookie) = await GetAsync(http, cookie: null);
        Assert.True(cookie is not null, $"The first response set no cookie; it said {first}.\n{app.Output}");
        Assert.Equal("visits: 1", first);
        Assert.Equal("visits: 2", (await GetAsync(http, cookie)).Body);
        Assert.Equal("visits: 3", (await GetAsync(http, cookie)).Body);

        // connect.sid=s%3A<id>.<signature>: change one character of the ID, so the signature no longer matches.
        var at = cookie.IndexOf("s%3A", StringComparison.Ordinal) + "s%3A".Length;
        Assert.True(at > "s%3A".Length, $"Not express-session's signed cookie: {cookie.Split('=')[0]}=...");
        var tampered = cookie[..at] + (cookie[at] == 'A' ? 'B' : 'A') + cookie[(at + 1)..];
        var (afterTampering, renewed) = await GetAsync(http, tampered);
        Assert.Equal("visits: 1", afterTampering);
        Assert.True(renewed is not null && renewed != cookie && renewed != tampered, "A tampered cookie must get a new session and a new cookie.");
        Assert.Equal("visits: 4", (await GetAsync(http, cookie)).Body); // the genuine session is untouched
    }

    /// <summary>GET / with <paramref name="cookie"/> (name=value): the body and the name=value the response set, if any.</summary>
    private static async Task<(string Body, string? SetCookie)> GetAsync(HttpClient http, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET / answered {(int)response.StatusCode}: {body}");
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.First().Split(';')[0] : null;
        return (body, setCookie);
    }

    /// <summary>The version's one place: VersionPrefix in Directory.Build.props.</summary>
    private static string VersionPrefix(RepositoryRoot root) =>
        XDocument.Load(root.PathOf("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    /// <summary>Deletes this run's packages from the global packages folder the app restored into (its assets file says where).</summary>
    private static void RemoveFromGlobalPackages(string app, string version)
    {
        var assets = Path.Combine(app, "obj", "project.assets.json");
        if (!File.Exists(assets))
        {
            return;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        foreach (var folder in json.RootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name))
        {
            foreach (var id in LibraryPackages)
            {
                var versions = Path.Combine(folder, id.ToLowerInvariant());
                if (Directory.Exists(Path.Combine(versions, version)))
                {
                    Directory.Delete(Path.Combine(versions, version), recursive: true);
                }

                if (Directory.Exists(versions) && !Directory.EnumerateFileSystemEntries(versions).Any())
                {
                    Directory.Delete(versions);
                }
            }
        }
    }

    [GeneratedRegex(@"^dotnet add package (\S+)$", RegexOptions.Multiline)]
    private static partial Regex AddPackageLine();
}
