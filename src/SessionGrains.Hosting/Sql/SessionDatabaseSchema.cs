using Npgsql;

namespace SessionGrains.Hosting;

/// <summary>
/// The PostgreSQL schema of the AdoNet providers (Cluster:GrainStorage, Reminders and Clustering = AdoNet): our own
/// tables and the query texts Orleans reads from OrleansQuery, shipped as the embedded Sql/PostgreSQL-SessionGrains.sql.
/// Applying it is idempotent and safe to run concurrently: one transaction under an advisory lock, tables created if
/// missing, query rows upserted. Run by <c>SessionGrains.Silo setup-database</c> (and the farm) before silos start.
/// </summary>
public static class SessionDatabaseSchema
{
    /// <summary>The manifest name of the embedded schema script.</summary>
    public const string ResourceName = "SessionGrains.Hosting.Sql.PostgreSQL-SessionGrains.sql";

    /// <summary>The schema script's text.</summary>
    public static string Script()
    {
        using var stream = typeof(SessionDatabaseSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Creates the tables that are missing and writes every query text, in the database <paramref name="connectionString"/> names.</summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(Script(), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
