using SessionGrains.Silo;
using SessionGrains.Web;

namespace SessionGrains.DeployTests;

/// <summary>
/// An app an image runs, by the dll its ENTRYPOINT names, with the set-up its Program.cs uses (builder, then app).
/// </summary>
public sealed record AppEntryPoint(string Dll, Func<WebApplicationBuilder, WebApplicationBuilder> Configure, Func<WebApplication, WebApplication> Map)
{
    /// <summary>The apps of this repository.</summary>
    public static IReadOnlyList<AppEntryPoint> All { get; } =
    [
        new(DllOf(typeof(DemoAppSetup)), b => b.ConfigureDemo(), a => a.UseDemo()),
        new(DllOf(typeof(SiloAppSetup)), b => b.ConfigureSilo(), a => a.MapSiloEndpoints()),
    ];

    /// <summary>The assembly name of the app's set-up: what Program.cs is compiled into.</summary>
    public string AssemblyName => Dll[..^".dll".Length];

    /// <summary>The app whose dll this is, or null.</summary>
    public static AppEntryPoint? ForDll(string? dll) => All.FirstOrDefault(a => a.Dll == dll);

    private static string DllOf(Type setup) => setup.Assembly.GetName().Name + ".dll";
}
