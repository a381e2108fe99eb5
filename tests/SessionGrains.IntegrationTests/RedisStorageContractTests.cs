using Xunit.Abstractions;

namespace SessionGrains.IntegrationTests;

/// <summary>The durable-store contract on Redis (redis-server with the append-only file).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStorageContractTests(RedisFixture redis, ITestOutputHelper output) : DurableStorageContract(new RedisSessionStore(redis), output);
