using SessionGrains.Hosting;
using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>The durable-store contract on Azure Blob storage (Azurite), with Azure Table reminders.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStorageContractTests(AzuriteServer azurite, ITestOutputHelper output)
    : DurableStorageContract(new AzureSessionStore(azurite, GrainStorageProvider.AzureBlob), output);
