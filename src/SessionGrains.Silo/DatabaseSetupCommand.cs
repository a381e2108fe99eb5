using SessionGrains.Hosting;

namespace SessionGrains.Silo;

/// <summary>
/// <c>dotnet SessionGrains.Silo.dll setup-database</c>: applies SessionGrains' PostgreSQL schema (tables and Orleans
/// query texts, <see cref="SessionDatabaseSchema"/>) to Cluster:AdoNetConnectionString, from the same configuration the
/// silo reads, and exits: 0 when applied, 1 with the error on stderr. Idempotent; run it before silos with an AdoNet
/// provider start (every deployment, or after an upgrade).
/// </summary>
public static class DatabaseSetupCommand
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Name = "setup-database";

    /// <summary>Runs the command with the configuration of <paramref name="builder"/>; the exit code.</summary>
    public static async Task<int> RunAsync(WebApplicationBuilder builder, TextWriter output, TextWriter errors, CancellationToken cancellation = default)
    {
        var cluster = builder.Configuration.GetSection(SessionClusterOptions.SectionName).Get<SessionClusterOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(cluster.AdoNetConnectionString))
        {
            await errors.WriteLineAsync($"{Name}: Cluster:AdoNetConnectionString is not set (e.g. Cluster__AdoNetConnectionString=\"Host=...;Database=...;Username=...\").");
            return 1;
        }

        if (!string.Equals(cluster.AdoNetInvariant, "Npgsql", StringComparison.OrdinalIgnoreCase))
        {
            await errors.WriteLineAsync($"{Name}: SessionGrains ships a schema for PostgreSQL (Cluster:AdoNetInvariant=Npgsql) only, not {cluster.AdoNetInvariant}.");
            return 1;
        }

        try
        {
            await SessionDatabaseSchema.ApplyAsync(cluster.AdoNetConnectionString, cancellation);
        }
        catch (Exception failure) when (failure is Npgsql.NpgsqlException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            await errors.WriteLineAsync($"{Name}: {failure.Message}");
            return 1;
        }

        await output.WriteLineAsync($"{Name}: the SessionGrains schema is applied.");
        return 0;
    }
}
