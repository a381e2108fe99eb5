namespace SessionGrains.Server;

/// <summary>What <see cref="SessionStorageHealthCheck"/> writes, reads back and clears: a random value under a random key.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionStorageProbe")]
internal sealed class SessionStorageProbe
{
    [Id(0)] public Guid Value { get; set; }
}
