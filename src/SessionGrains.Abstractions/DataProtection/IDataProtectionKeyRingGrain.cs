using Orleans;
using Orleans.Concurrency;

namespace SessionGrains;

/// <summary>
/// An ASP.NET Core Data Protection key ring kept in the cluster, keyed by its name: the XML elements (keys and
/// revocations) that Data Protection stores, in the session storage provider, shared by every front end and silo.
/// </summary>
/// <remarks>
/// Elements are only ever appended, and each store answers after its durable write. Stores are one grain call each and
/// run one at a time, so stores from several front ends at once all survive. A friendly name is kept beside its element
/// and never replaces another one (as in ASP.NET Core's Redis and Entity Framework repositories); a repeated
/// operation ID (a retry) stores nothing more. Hosts that start together on an empty ring create one first key between
/// them, not one each: the first to read it is given a few seconds to store its key while the others are told to wait
/// (<see cref="DataProtectionKeyRingRead.FirstKeyPending"/>). Otherwise a host whose ring lacks another's first key
/// could not read what that host protects with it, after Data Protection's first two minutes, until its daily refresh.
/// </remarks>
[Alias("SessionGrains.IDataProtectionKeyRingGrain")]
public interface IDataProtectionKeyRingGrain : IGrainWithStringKey
{
    /// <summary>
    /// Every stored element as XML text, oldest first. On an empty ring, the first reader is expected to store the first
    /// key; until it does (for a few seconds at most), other readers are answered
    /// <see cref="DataProtectionKeyRingRead.FirstKeyPending"/>.
    /// </summary>
    [ReadOnly]
    [Alias("Read")]
    Task<DataProtectionKeyRingRead> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the element <paramref name="xml"/> and answers once it is stored. Refuses (<see cref="ArgumentException"/>)
    /// text that is not one well-formed XML element, and (<see cref="InvalidOperationException"/>) an element that would
    /// take the ring past the silo's session size limit.
    /// </summary>
    [Alias("StoreElement")]
    Task StoreElementAsync(string xml, string? friendlyName, Guid operationId, CancellationToken cancellationToken = default);
}
