namespace SessionGrains;

/// <summary>The result of <see cref="IDataProtectionKeyRingGrain.ReadAsync"/>.</summary>
/// <param name="Elements">Every stored element as XML text, oldest first.</param>
/// <param name="FirstKeyPending">
/// The ring is empty and another host, which read it first, is creating the first key: read again shortly rather than
/// create a key of your own.
/// </param>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.DataProtectionKeyRingRead")]
public sealed record DataProtectionKeyRingRead(
    [property: Id(0)] IReadOnlyList<string> Elements,
    [property: Id(1)] bool FirstKeyPending = false);
