using System.Collections.Concurrent;
using System.Diagnostics;
using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

/// <summary>
/// Read leases: a change is acknowledged only after every other holder dropped the session, or after a silent
/// holder's lease ended; the writer keeps its own lease, renewed; ending a session or its activation revokes every lease.
/// </summary>
[Collection(SessionClusterCollection.Name)]
public sealed class ReadLeaseTests(SessionCluster fixture)
{
    private static readonly TimeSpan LongLease = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_change_from_elsewhere_invalidates_the_holder_before_it_is_acknowledged()
    {
        var (holder, reference) = NewHolder();
        var id = await CreateLeasedAsync(reference, LongLease);

        var applied = await fixture.Session(id).ApplyAsync(Set(("color", "green")));
        var incremented = await fixture.Session(id).IncrementAsync("n", 1);

        Assert.True(applied.Succeeded && incremented.Succeeded);
        Assert.Equal([id], holder.Invalidated.Distinct());
        Assert.Single(holder.Invalidated); // the first change revoked the lease; the second found none
    }

    [Fact]
    public async Task The_writer_keeps_its_own_lease_and_other_holders_lose_theirs()
    {
        var (writer, writerReference) = NewHolder();
        var (other, otherReference) = NewHolder();
        var id = await CreateLeasedAsync(writerReference, LongLease);
        await fixture.Session(id).LoadAsync(new SessionReadLease(otherReference, LongLease));

        await fixture.Session(id).ApplyAsync(Set(("color", "green")), writerReference);
        await fixture.Session(id).IncrementAsync("n", 1, writerReference);

        Assert.Empty(writer.Invalidated);
        Assert.Equal([id], other.Invalidated);
    }

    [Fact]
    public async Task The_writers_own_change_starts_its_lease_again()
    {
        var lease = TimeSpan.FromSeconds(1);
        var (writer, writerReference) = NewHolder();
        var id = await CreateLeasedAsync(writerReference, lease);
        await Task.Delay(TimeSpan.FromMilliseconds(600));

        var applied = await fixture.Session(id).ApplyAsync(Set(("color", "green")), writerReference);
        var incremented = await fixture.Session(id).IncrementAsync("n", 1, writerReference);
        await Task.Delay(TimeSpan.FromMilliseconds(700)); // the load's lease has ended; the renewed one has not
        await fixture.Session(id).ApplyAsync(Set(("color", "red")));

        Assert.Equal(lease, applied.Lease);
        Assert.Equal(lease, incremented.Lease);
        Assert.Equal([id], writer.Invalidated); // still a holder when the change from elsewhere came
        Assert.Equal(TimeSpan.Zero, (await fixture.Session(id).ApplyAsync(Set(("color", "blue")), writerReference)).Lease); // revoked: none to renew
    }

    [Fact]
    public async Task A_silent_holder_delays_a_change_until_its_lease_has_ended()
    {
        var lease = TimeSpan.FromMilliseconds(300);
        var (holder, reference) = NewHolder(silent: true);
        var id = await CreateLeasedAsync(reference, lease);

        var stopwatch = Stopwatch.StartNew();
        var applied = await fixture.Session(id).ApplyAsync(Set(("color", "green")));
        stopwatch.Stop();

        Assert.True(applied.Succeeded);
        Assert.True(stopwatch.Elapsed >= lease, $"acknowledged after {stopwatch.Elapsed.TotalMilliseconds:F0} ms, inside the holder's lease");
        Assert.Equal([id], holder.Invalidated);
        Assert.Equal("green", Text((await fixture.Session(id).LoadAsync())!.Data["color"]));
    }

    [Fact]
    public async Task Destroy_regenerate_and_deactivation_revoke_every_lease()
    {
        var (holder, reference) = NewHolder();
        var destroyed = await CreateLeasedAsync(reference, LongLease);
        var regenerated = await CreateLeasedAsync(reference, LongLease);
        var deactivated = await CreateLeasedAsync(reference, LongLease);

        await fixture.Session(destroyed).DestroyAsync();
        await fixture.Session(regenerated).RegenerateAsync(SessionCluster.NewSessionId(), TwentyMinutes, null);
        await fixture.Cluster.DeactivateAsync(fixture.Session(deactivated));

        Assert.Equal(new[] { destroyed, regenerated, deactivated }.Order(), holder.Invalidated.Order());
    }

    private async Task<string> CreateLeasedAsync(ISessionReadCache holder, TimeSpan lease)
    {
        var id = SessionCluster.NewSessionId();
        await fixture.Session(id).CreateAsync(TwentyMinutes, Set(("color", "blue")));
        Assert.NotNull(await fixture.Session(id).LoadAsync(new SessionReadLease(holder, lease)));
        return id;
    }

    private (RecordingCache Cache, ISessionReadCache Reference) NewHolder(bool silent = false)
    {
        var cache = new RecordingCache(silent);
        return (cache, fixture.Cluster.Client.CreateObjectReference<ISessionReadCache>(cache));
    }

    /// <summary>Records invalidations; a silent one never answers them.</summary>
    private sealed class RecordingCache(bool silent) : ISessionReadCache
    {
        private readonly ConcurrentQueue<string> _invalidated = new();

        public IReadOnlyCollection<string> Invalidated => _invalidated;

        public Task InvalidateAsync(string sessionId)
        {
            _invalidated.Enqueue(sessionId);
            return silent ? new TaskCompletionSource().Task : Task.CompletedTask;
        }
    }
}
