using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orleans;

namespace SessionGrains.AppHost;

/// <summary>
/// An Orleans provider of Aspire's Orleans integration, told to our hosts in their own "Cluster" section (they read
/// SessionClusterOptions, not Orleans' Orleans__* provider configuration): clustering on Azure Storage, grain storage
/// and reminders on Azure tables, all on one storage account's connection string.
/// </summary>
internal sealed class SessionStorageProvider(IResourceBuilder<IResourceWithConnectionString> storage) : IProviderConfiguration
{
    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configurationSectionName)
        where T : IResourceWithEnvironment
    {
        var (key, value) = configurationSectionName switch
        {
            "Clustering" => ("Cluster__Clustering", "AzureStorage"),
            "Reminders" => ("Cluster__Reminders", "AzureTable"),
            _ when configurationSectionName.StartsWith("GrainStorage__", StringComparison.Ordinal) => ("Cluster__GrainStorage", "AzureTable"),
            _ => throw new NotSupportedException($"SessionGrains hosts have no '{configurationSectionName}' provider setting"),
        };
        resourceBuilder
            .WithEnvironment(key, value)
            .WithEnvironment("Cluster__StorageConnectionString", storage.Resource.ConnectionStringExpression);
    }
}
