namespace SessionGrains;

/// <summary>
/// Reads sessions whose grains are active in this process without a grain call. A silo registers it; a front end
/// co-hosted with that silo tries it before calling <see cref="ISessionGrain.LoadAsync"/>.
/// </summary>
/// <remarks>
/// Every write goes through the grain, which publishes the stored result before it answers, so a local read sees every
/// acknowledged write. The grain withdraws its session before it deletes, regenerates or deactivates.
/// </remarks>
public interface ILocalSessionReader
{
    /// <summary>
    /// The session as <see cref="ISessionGrain.LoadAsync"/> would answer, with the access recorded; null when the grain
    /// must be called (not active here, expired, being changed, or due a write of its last access).
    /// </summary>
    /// <remarks>The snapshot's data is shared with the grain: never mutate it or its arrays.</remarks>
    SessionSnapshot? TryLoad(string sessionId);
}
