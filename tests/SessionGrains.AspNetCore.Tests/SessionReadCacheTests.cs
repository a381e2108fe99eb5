using System.Diagnostics;
using Microsoft.Extensions.Options;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// The front end's read cache under reordering: answers of loads that began before an invalidation or before this
/// front end's own write never replace what came after them; its own writes renew the lease when the grain says so.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class SessionReadCacheTests(FrontEndCluster cluster)
{
    private const string Id = "session-under-test";

    [Fact]
    public void A_load_answer_arriving_after_an_invalidation_is_not_cached()
    {
        using var cache = NewCache();
        var (_, ticket) = cache.BeginLoad();

        ((ISessionReadCache)cache).InvalidateAsync(Id);
        cache.CacheLoad(Id, Snapshot(version: 1, "old"), ticket);

        Assert.Null(cache.TryGet(Id));
    }

    [Fact]
    public void A_load_begun_before_this_front_ends_write_cannot_hide_the_write()
    {
        using var cache = NewCache();
        var (_, earlyLoad) = cache.BeginLoad(); // read version 1 at the grain, its answer still on the way

        cache.ApplyWrite(Id, new SessionWriteResult(SessionWriteStatus.Succeeded, Version: 2), Stopwatch.GetTimestamp(), data => data.ToDictionary());
        cache.CacheLoad(Id, Snapshot(version: 1, "old"), earlyLoad);

        Assert.Null(cache.TryGet(Id));
    }

    [Fact]
    public void This_front_ends_next_write_updates_the_cached_copy_and_a_late_older_answer_is_ignored()
    {
        using var cache = NewCache();
        var (_, first) = cache.BeginLoad();
        cache.CacheLoad(Id, Snapshot(version: 1, "old"), first);
        var (_, late) = cache.BeginLoad();

        cache.ApplyWrite(Id, new SessionWriteResult(SessionWriteStatus.Succeeded, Version: 2), Stopwatch.GetTimestamp(),
            data => new(data, StringComparer.Ordinal) { ["color"] = "new"u8.ToArray() });
        cache.CacheLoad(Id, Snapshot(version: 1, "old"), late);

        var cached = cache.TryGet(Id);
        Assert.NotNull(cached);
        Assert.Equal(2, cached.Version);
        Assert.Equal("new"u8.ToArray(), cached.Data["color"]);
    }

    [Fact]
    public void A_write_that_skipped_a_version_drops_the_cached_copy()
    {
        using var cache = NewCache();
        var (_, ticket) = cache.BeginLoad();
        cache.CacheLoad(Id, Snapshot(version: 1, "old"), ticket);

        cache.ApplyWrite(Id, new SessionWriteResult(SessionWriteStatus.Succeeded, Version: 3), Stopwatch.GetTimestamp(), data => data.ToDictionary());

        Assert.Null(cache.TryGet(Id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task This_front_ends_write_serves_the_copy_past_the_loads_lease_only_when_the_grain_renewed_it(bool renewed)
    {
        using var cache = NewCache();
        var (_, ticket) = cache.BeginLoad();
        var endingLoad = ticket with { StartedAt = Stopwatch.GetTimestamp() - Stopwatch.Frequency * 99 / 10 }; // 9.9 s into its 10 s lease
        cache.CacheLoad(Id, Snapshot(version: 1, "old"), endingLoad);

        var written = new SessionWriteResult(SessionWriteStatus.Succeeded, Version: 2) { Lease = renewed ? TimeSpan.FromSeconds(10) : TimeSpan.Zero };
        cache.ApplyWrite(Id, written, Stopwatch.GetTimestamp(), data => new(data, StringComparer.Ordinal) { ["color"] = "new"u8.ToArray() });
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // the load's lease has ended

        Assert.Equal(renewed ? 2 : null, cache.TryGet(Id)?.Version);
    }

    private SessionReadCache NewCache() => new(cluster.Grains, Options.Create(new SessionFrontEndOptions
    {
        Secrets = [TestApp.Secret],
        ReadLease = TimeSpan.FromSeconds(10),
    }));

    private static SessionSnapshot Snapshot(long version, string color) => new()
    {
        Data = new(StringComparer.Ordinal) { ["color"] = System.Text.Encoding.UTF8.GetBytes(color) },
        Version = version,
        CreatedAt = DateTimeOffset.UnixEpoch,
        LastAccessAt = DateTimeOffset.UnixEpoch,
        ExpiresAt = DateTimeOffset.UnixEpoch + TimeSpan.FromMinutes(20),
        Timeouts = new SessionTimeouts(TimeSpan.FromMinutes(20)),
    };
}
