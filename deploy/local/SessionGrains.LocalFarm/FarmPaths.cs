namespace SessionGrains.LocalFarm;

/// <summary>
/// Where things are: the repository, deploy/local, and the state folder (FARM_STATE, default deploy/local/.farm) with
/// run/ (pid files), logs/, bin/ (published apps), nginx/, azurite/ (data), home/ (each front end's HOME), farm.env (settings),
/// secret, dashboard-password and store-api-token.
/// </summary>
internal sealed record FarmPaths(string RepositoryRoot, string State)
{
    public string DeployLocal => Path.Combine(RepositoryRoot, "deploy", "local");
    public string Run => Path.Combine(State, "run");
    public string Logs => Path.Combine(State, "logs");
    public string Bin => Path.Combine(State, "bin");
    public string NginxDir => Path.Combine(State, "nginx");
    public string NginxConf => Path.Combine(NginxDir, "nginx.conf");
    public string AzuriteData => Path.Combine(State, "azurite");
    public string FarmEnv => Path.Combine(State, "farm.env");
    public string Secret => Path.Combine(State, "secret");
    public string DashboardPassword => Path.Combine(State, "dashboard-password");

    /// <summary>The bearer token of the front ends' session API (SessionStoreApi:Tokens:0), which the express front end uses.</summary>
    public string StoreApiToken => Path.Combine(State, "store-api-token");

    /// <summary>The express front end's app (package.json, package-lock.json, server.js).</summary>
    public string ExpressApp => Path.Combine(DeployLocal, "express");
    public string Lock => Path.Combine(State, ".lock");

    /// <summary>The home folder (HOME) of a front end, its own as a pod's is: nothing on disk is shared between front ends.</summary>
    public string HomeOf(string member) => Path.Combine(State, "home", member);

    /// <summary>The paths for <paramref name="repositoryRoot"/>, the state folder from FARM_STATE (created).</summary>
    public static FarmPaths Create(string repositoryRoot, Func<string, string?> environment)
    {
        var state = environment("FARM_STATE") is { Length: > 0 } s ? s : Path.Combine(repositoryRoot, "deploy", "local", ".farm");
        state = Path.GetFullPath(state);
        Directory.CreateDirectory(state);
        return new FarmPaths(Path.GetFullPath(repositoryRoot), state);
    }

    /// <summary>The folder holding SessionGrains.sln at or above one of <paramref name="starts"/>.</summary>
    public static string FindRepositoryRoot(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "SessionGrains.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new FarmException($"SessionGrains.sln not found above {string.Join(" or ", starts)}");
    }
}
