namespace SessionGrains.Server;

/// <summary>Keys of the keyed services SessionGrains resolves.</summary>
public static class SessionGrainServiceKeys
{
    /// <summary>
    /// The <see cref="System.TimeProvider"/> session grains read time from. Unregistered, it is the silo's own
    /// TimeProvider; tests register a FakeTimeProvider under this key to move session time without moving Orleans'.
    /// </summary>
    public const string TimeProvider = "SessionGrains.TimeProvider";
}
