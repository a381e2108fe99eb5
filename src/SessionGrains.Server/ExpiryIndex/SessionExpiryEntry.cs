using System.Text;

namespace SessionGrains.Server;

/// <summary>
/// One entry of the <see cref="ISessionExpiryIndex"/>: the grain (<paramref name="Kind"/>, <paramref name="Key"/>), its
/// shard, and when it comes due (null only when removing an entry whose due time the grain does not know).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("SessionGrains.SessionExpiryEntry")]
public readonly record struct SessionExpiryEntry(
    [property: Id(0)] SessionExpiryEntryKind Kind, [property: Id(1)] int Shard, [property: Id(2)] string Key, [property: Id(3)] DateTimeOffset? DueAt)
{
    /// <summary>The shard of <paramref name="key"/> among <paramref name="shardCount"/>: a hash of its UTF-8 bytes, the same in every process and release.</summary>
    public static int ShardOf(string key, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var hash = 2166136261u; // FNV-1a: string.GetHashCode differs per process
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)shardCount);
    }
}
