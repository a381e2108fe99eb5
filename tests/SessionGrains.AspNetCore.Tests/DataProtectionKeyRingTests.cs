using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using SessionGrains.Server;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// <c>PersistKeysToSessionGrains</c> on a real cluster: the key ring grain keeps every element stored by front ends at
/// once, durably (through a deactivation, in the storage provider) and once per store; refuses bad elements; two apps
/// with their own Data Protection services read each other's payloads; and a front end that cannot reach the cluster
/// fails within its deadline, saying why.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class DataProtectionKeyRingTests(FrontEndCluster cluster)
{
    private static string NewRingName() => "test-" + Guid.NewGuid().ToString("N");

    private GrainXmlRepository Repository(string ring, IGrainFactory? grains = null, ILogger<GrainXmlRepository>? logger = null, TimeSpan? deadline = null)
        => new(grains ?? cluster.Grains,
            new SessionKeyRingOptions { KeyRingName = ring, Timeout = TimeSpan.FromSeconds(1), RetryDeadline = deadline ?? TimeSpan.FromSeconds(10) },
            lifetime: null, logger ?? NullLogger<GrainXmlRepository>.Instance);

    private static XElement Key(string id) => new("key", new XAttribute("id", id), new XElement("creationDate", "2026-12-05T00:00:00Z"));

    private IDataProtectionKeyRingGrain Ring(string name) => cluster.Grains.GetGrain<IDataProtectionKeyRingGrain>(name);

    private async Task<DataProtectionKeyRing?> ReadStoredRingAsync(string name)
    {
        var storage = cluster.Cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(SessionTestSilo.InnerStorageName);
        var state = new GrainState<DataProtectionKeyRing>();
        await storage.ReadStateAsync(SessionGrainNames.DataProtectionKeyRingState, GrainId.Create(SessionGrainNames.DataProtectionKeyRingGrainType, name), state);
        return state.RecordExists ? state.State : null;
    }

    [Fact]
    public async Task Two_front_ends_storing_at_once_lose_no_element_and_both_read_every_one()
    {
        var ring = NewRingName();
        var (a, b) = (Repository(ring), Repository(ring));
        var ids = Enumerable.Range(0, 16).Select(i => $"{i:00}-{Guid.NewGuid():N}").ToArray();

        // Each front end stores on a thread of its own, blocked by each call as Data Protection's thread is.
        Task StoreAll(GrainXmlRepository repository, int parity) => Task.Factory.StartNew(() =>
        {
            foreach (var id in ids.Where((_, i) => i % 2 == parity))
            {
                repository.StoreElement(Key(id), "key-" + id);
            }
        }, TaskCreationOptions.LongRunning);
        await Task.WhenAll(StoreAll(a, 0), StoreAll(b, 1));

        Assert.Equal(ids.Order(), a.GetAllElements().Select(e => e.Attribute("id")!.Value).Order());
        Assert.Equal(ids.Order(), b.GetAllElements().Select(e => e.Attribute("id")!.Value).Order());
        Assert.Equal(ids.Length, (await ReadStoredRingAsync(ring))!.Elements.Count);
    }

    [Fact]
    public async Task Stored_elements_survive_the_grain_deactivation()
    {
        var ring = NewRingName();
        var repository = Repository(ring);
        repository.StoreElement(Key("first"), "key-first");
        repository.StoreElement(Key("second"), "key-second");
        var grain = GrainId.Create(SessionGrainNames.DataProtectionKeyRingGrainType, ring);

        await cluster.Cluster.DeactivateAsync(grain);

        Assert.False(cluster.Cluster.TryGetGrainContext(grain, out _));
        Assert.Equal(["first", "second"], Repository(ring).GetAllElements().Select(e => e.Attribute("id")!.Value));
        Assert.Equal(["key-first", "key-second"], (await ReadStoredRingAsync(ring))!.Elements.Select(e => e.FriendlyName));
    }

    [Fact]
    public async Task A_retried_store_is_applied_once_and_a_repeated_friendly_name_keeps_both_elements()
    {
        var ring = Ring(NewRingName());
        var operation = Guid.NewGuid();

        await ring.StoreElementAsync(Key("k1").ToString(), "key-1", operation);
        await ring.StoreElementAsync(Key("k1").ToString(), "key-1", operation); // the front end's retry of the same store
        await ring.StoreElementAsync(Key("k2").ToString(), "key-1", Guid.NewGuid()); // another store, the same name

        Assert.Equal([Key("k1").ToString(), Key("k2").ToString()], (await ring.ReadAsync()).Elements);
    }

    [Fact]
    public async Task Malformed_and_oversized_elements_are_refused_and_nothing_is_stored()
    {
        var name = NewRingName();
        var ring = Ring(name);
        await ring.StoreElementAsync(Key("kept").ToString(), "key-kept", Guid.NewGuid());
        var limit = cluster.Cluster.Silos[0].SiloHost.Services.GetRequiredService<IOptions<SessionSiloOptions>>().Value.MaxSessionBytes;
        var oversized = new XElement("key", new string('x', limit));

        var malformed = await Assert.ThrowsAsync<ArgumentException>(() => ring.StoreElementAsync("<key id=", "key-bad", Guid.NewGuid()));
        var full = await Assert.ThrowsAsync<InvalidOperationException>(() => ring.StoreElementAsync(oversized.ToString(), "key-big", Guid.NewGuid()));
        var throughTheRepository = Assert.Throws<SessionUnavailableException>(() => Repository(name).StoreElement(oversized, "key-big"));

        Assert.Contains("well-formed XML", malformed.Message, StringComparison.Ordinal);
        Assert.Contains("session size limit", full.Message, StringComparison.Ordinal);
        Assert.Contains("session size limit", throughTheRepository.Message, StringComparison.Ordinal);
        Assert.Equal([Key("kept").ToString()], (await ring.ReadAsync()).Elements);
    }

    [Fact]
    public async Task A_host_reading_an_empty_ring_after_another_waits_for_that_ones_first_key_instead_of_making_its_own()
    {
        var ring = NewRingName();
        var (first, second) = (Repository(ring), Repository(ring, deadline: TimeSpan.FromSeconds(1)));
        Assert.Empty(first.GetAllElements()); // the first reader: Data Protection creates the first key next

        var pending = await Ring(ring).ReadAsync();
        var waited = Assert.Throws<SessionUnavailableException>(() => second.GetAllElements()); // never an empty ring
        first.StoreElement(Key("first-key"), "key-first-key");

        Assert.True(pending.FirstKeyPending);
        Assert.Contains("has not stored its first key", waited.Message, StringComparison.Ordinal);
        Assert.Equal("first-key", Assert.Single(second.GetAllElements()).Attribute("id")!.Value);
    }

    [Fact]
    public async Task Apps_starting_together_on_an_empty_ring_make_one_key_and_read_each_others_payloads()
    {
        var ring = NewRingName();
        void Keys(IServiceCollection services) => services.AddDataProtection().SetApplicationName("key-ring-tests")
            .PersistKeysToSessionGrains(o => o.KeyRingName = ring);
        var apps = await Task.WhenAll(TestApp.StartAsync(cluster.Grains, services: Keys), TestApp.StartAsync(cluster.Grains, services: Keys));
        await using var first = apps[0];
        await using var second = apps[1];
        IDataProtector Protector(TestApp app) => app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests");

        Assert.Equal("from the first", Protector(second).Unprotect(Protector(first).Protect("from the first")));
        Assert.Equal("from the second", Protector(first).Unprotect(Protector(second).Protect("from the second")));
        Assert.IsType<GrainXmlRepository>(second.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
        Assert.Single((await Ring(ring).ReadAsync()).Elements); // one key between them
    }

    [Fact]
    public async Task A_front_end_whose_cluster_stopped_fails_within_the_deadline_and_logs_the_cause()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        await using var stopped = builder.Build();
        await stopped.DeployAsync();
        await stopped.StopSiloAsync(stopped.Silos[0]);
        var logs = new FakeLogCollector();
        var repository = Repository(NewRingName(), stopped.Client, new FakeLogger<GrainXmlRepository>(logs), TimeSpan.FromSeconds(2));

        var failure = Assert.Throws<SessionUnavailableException>(() => repository.GetAllElements());

        Assert.Contains("could not be read from the session cluster", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Is the session cluster up and reachable", failure.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Error, Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 1800).Level);
    }

    [Fact]
    public void A_front_end_starting_without_its_cluster_says_the_host_has_not_started()
    {
        var builder = Host.CreateApplicationBuilder();
        var gateway = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Free()); // nothing listens there
        builder.UseOrleansClient(client => client.UseStaticClustering(gateway));
        builder.Services.AddDataProtection().PersistKeysToSessionGrains(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(500);
            o.RetryDeadline = TimeSpan.FromSeconds(1);
        });
        using var host = builder.Build(); // not started: Data Protection's start-up read comes first

        var repository = host.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository!;
        var failure = Assert.Throws<SessionUnavailableException>(repository.GetAllElements);

        Assert.Contains("This host has not finished starting", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_key_ring_name_fails_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(cluster.Grains);
        builder.Services.AddDataProtection().PersistKeysToSessionGrains(o => o.KeyRingName = "");
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("KeyRingName", failure.Message, StringComparison.Ordinal);
    }
}
