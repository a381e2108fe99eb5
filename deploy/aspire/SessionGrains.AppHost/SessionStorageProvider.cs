using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orleans;

namespace SessionGrains.AppHost;

/// <summary>
/// An Orleans provider of Aspire's Orleans integration, told to our hosts in their own "Cluster" section (they read
/// SessionClusterOptions, not Orleans' Orleans__* provider configuration): clustering, grain storage and reminders all
/// on the one store, with its connection string in the setting its providers read.
/// </summary>
internal sealed class SessionStorageProvider(SessionStorage kind, IResourceBuilder<IResourceWithConnectionString> store) : IProviderConfiguration
{
    /// <summary>The "Cluster" setting of the store's connection string.</summary>
    public string ConnectionStringVariable => kind switch
    {
        SessionStorage.Redis => "Cluster__RedisConnectionString",
        SessionStorage.PostgreSql => "Cluster__AdoNetConnectionString",
        _ => "Cluster__StorageConnectionString",
    };

    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configurationSectionName)
        where T : IResourceWithEnvironment
    {
        var (clustering, storage, reminders) = kind switch
        {
            SessionStorage.Redis => ("Redis", "Redis", "Redis"),
            SessionStorage.PostgreSql => ("AdoNet", "AdoNet", "AdoNet"),
            _ => ("AzureStorage", "AzureTable", "AzureTable"),
        };
        var (key, value) = configurationSectionName switch
        {
            "Clustering" => ("Cluster__Clustering", clustering),
            "Reminders" => ("Cluster__Reminders", reminders),
            _ when configurationSectionName.StartsWith("GrainStorage__", StringComparison.Ordinal) => ("Cluster__GrainStorage", storage),
            _ => throw new NotSupportedException($"SessionGrains hosts have no '{configurationSectionName}' provider setting"),
        };
        resourceBuilder
            .WithEnvironment(key, value)
            .WithEnvironment(ConnectionStringVariable, store.Resource.ConnectionStringExpression);
    }
}
