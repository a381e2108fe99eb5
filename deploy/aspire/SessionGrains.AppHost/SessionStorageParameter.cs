using Microsoft.Extensions.Configuration;

namespace SessionGrains.AppHost;

/// <summary>
/// The "storage" parameter, read when the model is built (it decides which resources exist, so it cannot wait for
/// Aspire's run-time parameter values): <c>--Parameters:storage=redis</c>, the environment variable
/// <c>Parameters__storage</c>, or user secrets.
/// </summary>
internal static class SessionStorageParameter
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Parameters:storage";

    /// <summary>The storage the configuration names (Azurite when it names none); throws, listing the choices, on anything else.</summary>
    public static SessionStorage Read(IConfiguration configuration) => configuration[Key]?.Trim().ToLowerInvariant() switch
    {
        null or "" or "azurite" => SessionStorage.Azurite,
        "redis" => SessionStorage.Redis,
        "postgresql" => SessionStorage.PostgreSql,
        var other => throw new InvalidOperationException($"{Key}={other} names no storage: azurite (the default), redis or postgresql"),
    };
}
