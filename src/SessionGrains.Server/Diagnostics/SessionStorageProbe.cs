namespace SessionGrains.Server;

/// <summary>What <see cref="SessionStorageHealthCheck"/> writes, reads back and clears: a random value under a random key.</summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionStorageProbe")]
internal sealed class SessionStorageProbe
{
    /// <summary>The value written, compared with the one read back.</summary>
    [Id(0)] public Guid Value { get; set; }
}
