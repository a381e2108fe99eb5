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
/// operation ID (a retry) stores nothing more.
/// </remarks>
[Alias("SessionGrains.IDataProtectionKeyRingGrain")]
public interface IDataProtectionKeyRingGrain : IGrainWithStringKey
{
    /// <summary>Every stored element as XML text, oldest first; empty when none is stored.</summary>
    [ReadOnly]
    [Alias("GetElements")]
    Task<IReadOnlyList<string>> GetElementsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the element <paramref name="xml"/> and answers once it is stored. Refuses (<see cref="ArgumentException"/>)
    /// text that is not one well-formed XML element, and (<see cref="InvalidOperationException"/>) an element that would
    /// take the ring past the silo's session size limit.
    /// </summary>
    [Alias("StoreElement")]
    Task StoreElementAsync(string xml, string? friendlyName, Guid operationId, CancellationToken cancellationToken = default);
}
