using static SessionGrains.Server.Tests.TestData;

namespace SessionGrains.Server.Tests;

[Collection(SessionClusterCollection.Name)]
public sealed class SessionLimitTests(SessionCluster fixture)
{
    private static readonly SessionSiloOptions Defaults = new();

    [Fact]
    public async Task An_oversized_change_set_is_refused_whole_and_nothing_of_it_is_stored()
    {
        var id = SessionCluster.NewSessionId();
        var session = fixture.Session(id);
        await session.CreateAsync(TwentyMinutes, Set(("kept", "yes")));

        var oversized = new SessionChangeSet
        {
            Removals = ["kept"],
            Sets = new() { ["small"] = Bytes("fits"), ["big"] = new byte[Defaults.MaxSessionBytes] },
        };
        var result = await session.ApplyAsync(oversized);

        Assert.Equal(SessionWriteStatus.LimitExceeded, result.Status);
        Assert.Contains("bytes", result.Error);
        var stored = await fixture.ReadStoredRecordAsync(id);
        Assert.Equal(["kept"], stored!.Data.Keys);
        Assert.Equal(1, stored.Version);
        Assert.Equal(1, fixture.StorageCounts.Writes(id));
        Assert.Equal(["kept"], (await session.LoadAsync())!.Data.Keys);
    }

    [Fact]
    public async Task A_session_exactly_at_the_byte_limit_is_accepted()
    {
        var session = fixture.Session(SessionCluster.NewSessionId());
        await session.CreateAsync(TwentyMinutes, null);

        var result = await session.ApplyAsync(new SessionChangeSet { Sets = new() { ["k"] = new byte[Defaults.MaxSessionBytes - 1] } });

        Assert.Equal(SessionWriteStatus.Succeeded, result.Status);
        Assert.Equal(SessionWriteStatus.LimitExceeded, (await session.ApplyAsync(Set(("k2", "x")))).Status);
    }

    [Fact]
    public async Task Too_many_keys_and_too_long_keys_are_refused()
    {
        var session = fixture.Session(SessionCluster.NewSessionId());
        await session.CreateAsync(TwentyMinutes, null);
        var tooMany = new SessionChangeSet { Sets = Enumerable.Range(0, Defaults.MaxKeys + 1).ToDictionary(i => $"k{i}", _ => new byte[1]) };
        var tooLong = new SessionChangeSet { Sets = new() { [new string('k', Defaults.MaxKeyLength + 1)] = new byte[1] } };

        Assert.Equal(SessionWriteStatus.LimitExceeded, (await session.ApplyAsync(tooMany)).Status);
        Assert.Equal(SessionWriteStatus.LimitExceeded, (await session.ApplyAsync(tooLong)).Status);
        Assert.Empty((await session.LoadAsync())!.Data);
    }

    [Fact]
    public async Task An_oversized_creation_stores_no_record_and_registers_no_reminder()
    {
        var id = SessionCluster.NewSessionId();
        var initial = new SessionChangeSet { Sets = new() { ["big"] = new byte[Defaults.MaxSessionBytes + 1] } };

        var result = await fixture.Session(id).CreateAsync(TwentyMinutes, initial);

        Assert.Equal(SessionWriteStatus.LimitExceeded, result.Status);
        Assert.Null(await fixture.ReadStoredRecordAsync(id));
        Assert.Empty(await fixture.IndexEntriesAsync(id));
    }

    [Fact]
    public async Task Invalid_settings_and_null_values_are_refused()
    {
        var session = fixture.Session(SessionCluster.NewSessionId());

        Assert.Equal(SessionWriteStatus.InvalidRequest, (await session.CreateAsync(new SessionTimeouts(TimeSpan.Zero), null)).Status);
        await session.CreateAsync(TwentyMinutes, null);
        var nullValue = new SessionChangeSet { Sets = new() { ["k"] = null! } };
        Assert.Equal(SessionWriteStatus.InvalidRequest, (await session.ApplyAsync(nullValue)).Status);
    }
}
