namespace SessionGrains.DeployTests;

/// <summary>
/// The configuration keys an environment variable becomes in a <c>WebApplication.CreateBuilder</c> app: its name with
/// "__" as ":" (the unprefixed environment provider), and also without an "ASPNETCORE_"/"DOTNET_" prefix (the
/// prefixed providers: ASPNETCORE_URLS is the key "urls").
/// </summary>
public static class EnvironmentVariableKeys
{
    private static readonly string[] Prefixes = ["ASPNETCORE_", "DOTNET_"];

    /// <summary>The keys of one variable.</summary>
    public static IReadOnlyList<string> Of(string name)
    {
        var key = name.Replace("__", ":", StringComparison.Ordinal);
        var prefix = Prefixes.FirstOrDefault(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase));
        return prefix is null ? [key] : [key, key[prefix.Length..]];
    }

    /// <summary>The configuration data of a whole environment.</summary>
    public static IReadOnlyDictionary<string, string> Configuration(IReadOnlyDictionary<string, string> environment)
    {
        var data = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            foreach (var key in Of(name))
            {
                data[key] = value;
            }
        }

        return data;
    }
}
