using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>The durable-store contract on PostgreSQL (AdoNet grain storage and reminders, our own schema).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageContractTests(PostgresFixture postgres, ITestOutputHelper output) : DurableStorageContract(new PostgresSessionStore(postgres), output);
