namespace SessionGrains.Server;

/// <summary>
/// The stored form of a Data Protection key ring: its elements, oldest first. Class and property names and ids are the
/// storage format: add, never rename.
/// </summary>
[GenerateSerializer]
[Alias("SessionGrains.DataProtectionKeyRing")]
internal sealed class DataProtectionKeyRing
{
    [Id(0)] public List<DataProtectionKeyRingElement> Elements { get; set; } = [];
}
