using SessionGrains.Hosting;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>The durable-store contract on Azure Table storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableStorageContractTests(AzuriteServer azurite, ITestOutputHelper output)
    : DurableStorageContract(new AzureSessionStore(azurite, GrainStorageProvider.AzureTable), output);
