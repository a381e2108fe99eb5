namespace SessionGrains.Server;

/// <summary>
/// One stored element of a key ring. The XML is kept as UTF-8 bytes, so its stored size is bounded as a session value's
/// is (<see cref="SessionSiloOptions.MaxSessionBytes"/>) whatever the provider's JSON escapes.
/// </summary>
[GenerateSerializer]
[Alias("SessionGrains.DataProtectionKeyRingElement")]
internal sealed class DataProtectionKeyRingElement
{
    [Id(0)] public byte[] Xml { get; set; } = [];

    /// <summary>The name Data Protection gave the element ("key-{id}", "revocation-{time}"); kept, never used as a key.</summary>
    [Id(1)] public string? FriendlyName { get; set; }

    /// <summary>The store call's operation ID: its retries find it and store nothing more.</summary>
    [Id(2)] public Guid OperationId { get; set; }

    [Id(3)] public DateTimeOffset StoredAt { get; set; }
}
