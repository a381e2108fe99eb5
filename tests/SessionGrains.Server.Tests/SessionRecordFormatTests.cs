using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace SessionGrains.Server.Tests;

/// <summary>
/// The stored record's format 3 (operations packed) and 4 (recorded responses packed): it round trips through Orleans'
/// binary format (memory, Redis) and the JSON one (Azure), it is smaller, and records written by format 2 still load
/// with their operation log.
/// </summary>
public sealed class SessionRecordFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Format 2 (SessionGrains before the packed log): a record with two operations, as the earlier code serialized it.
    private const string Format2Binary = "IAAJIQEDQQl1c2VyQAdhZGHgAQkhgAAA+LTISN4IgQAAAAAAAAAA4CGAgPDyt8hI3giBAAAAAAAAAADggQB4QcsCAAAAwQEhAAUhQCERERERIiIzM0REVVVVVVVVAQUBASGAAAD4tMhI3giBAAAAAAAAAADg4CBAIWZmZmZ3d4iImZmqqqqqqqoBCQELIYCA8PK3yEjeCIEAAAAAAAAAAODg4MEB4A==";
    private const string Format2Json = """{"$id":"1","$type":"SessionGrains.Server.SessionRecord, SessionGrains.Server","FormatVersion":2,"Data":{"$id":"2","$type":"System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[System.Byte[], System.Private.CoreLib]], System.Private.CoreLib","user":{"$type":"System.Byte[], System.Private.CoreLib","$value":"YWRh"}},"Version":2,"CreatedAt":"2026-01-01T00:00:00+00:00","LastAccessAt":"2026-01-01T00:00:05+00:00","IdleTimeout":"00:20:00","Operations":{"$type":"SessionGrains.Server.SessionOperation[], SessionGrains.Server","$values":[{"$id":"3","$type":"SessionGrains.Server.SessionOperation, SessionGrains.Server","Id":"11111111-2222-3333-4444-555555555555","Version":1,"At":"2026-01-01T00:00:00+00:00"},{"$id":"4","$type":"SessionGrains.Server.SessionOperation, SessionGrains.Server","Id":"66666666-7777-8888-9999-aaaaaaaaaaaa","Version":2,"Value":-3,"At":"2026-01-01T00:00:05+00:00"}]}}""";

    private readonly Serializer _binary = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(SessionRecord).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();
    private readonly OrleansJsonSerializer _json = new(Options.Create(new OrleansJsonSerializerOptions()));

    [Fact]
    public void A_busy_sessions_log_round_trips_through_both_formats_at_under_25_bytes_an_operation()
    {
        var record = Busy(32);

        var binary = _binary.SerializeToArray(record);
        var json = _json.Serialize(record, typeof(SessionRecord));

        AssertSameOperations(record.Operations, _binary.Deserialize<SessionRecord>(binary)!.Operations);
        AssertSameOperations(record.Operations, ((SessionRecord)_json.Deserialize(typeof(SessionRecord), json)!).Operations);
        Assert.InRange(SessionOperationPacking.Pack(record.Operations).Length, 32 * 19, 32 * 25);
        Assert.DoesNotContain("SessionGrains.Server.SessionOperation, ", json); // no object per operation (an empty format-2 list only)
    }

    [Fact]
    public void A_format_2_record_loads_with_its_data_and_operation_log()
    {
        foreach (var loaded in new[]
        {
            _binary.Deserialize<SessionRecord>(Convert.FromBase64String(Format2Binary))!,
            (SessionRecord)_json.Deserialize(typeof(SessionRecord), Format2Json)!,
        })
        {
            Assert.Equal(2, loaded.FormatVersion);
            Assert.Equal("ada"u8.ToArray(), loaded.Data["user"]);
            Assert.Equal(2, loaded.Version);
            Assert.Equal([Guid.Parse("11111111-2222-3333-4444-555555555555"), Guid.Parse("66666666-7777-8888-9999-aaaaaaaaaaaa")],
                loaded.Operations.Select(o => o.Id));
            Assert.Equal([(1L, 0L, At), (2L, -3L, At.AddSeconds(5))], loaded.Operations.Select(o => (o.Version, o.Value, o.At)));
        }
    }

    [Theory]
    [InlineData(new byte[] { 2, 0 })]          // unknown format
    [InlineData(new byte[] { 1, 3, 1, 2, 3 })] // three entries announced, a few bytes present
    [InlineData(new byte[] { 1, 0x80 })]       // a count cut short
    public void A_damaged_log_is_refused_not_misread(byte[] packed)
        => Assert.Throws<FormatException>(() => SessionOperationPacking.Unpack(packed));

    [Fact]
    public void An_empty_log_packs_to_two_bytes_and_back()
    {
        Assert.Equal(2, SessionOperationPacking.Pack([]).Length);
        Assert.Empty(SessionOperationPacking.Unpack(SessionOperationPacking.Pack([])));
        Assert.Empty(SessionOperationPacking.Unpack(null));
    }

    [Fact]
    public void Recorded_responses_round_trip_through_both_formats()
    {
        var record = Busy(2);
        record.Requests =
        [
            new SessionKeyedRequest
            {
                Key = Guid.NewGuid(),
                Fingerprint = Guid.NewGuid(),
                At = At,
                Response = new(201, [KeyValuePair.Create("Content-Type", "text/plain; charset=utf-8"), KeyValuePair.Create("X-Note", "é")], [0, 1, 255]),
            },
            new SessionKeyedRequest { Key = Guid.NewGuid(), Fingerprint = Guid.NewGuid(), At = At.AddSeconds(1), Response = new(204, [], []) },
        ];

        var binary = _binary.Deserialize<SessionRecord>(_binary.SerializeToArray(record))!;
        var json = (SessionRecord)_json.Deserialize(typeof(SessionRecord), _json.Serialize(record, typeof(SessionRecord)))!;

        foreach (var loaded in new[] { binary, json })
        {
            Assert.Equal(
                record.Requests.Select(r => (r.Key, r.Fingerprint, r.At, r.Response.StatusCode, string.Join("|", r.Response.Headers), Convert.ToHexString(r.Response.Body))),
                loaded.Requests.Select(r => (r.Key, r.Fingerprint, r.At, r.Response.StatusCode, string.Join("|", r.Response.Headers), Convert.ToHexString(r.Response.Body))));
        }

        Assert.Empty(SessionRequestPacking.Pack([]));
        Assert.Empty(_binary.Deserialize<SessionRecord>(_binary.SerializeToArray(Busy(1)))!.Requests);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0 })]             // unknown format
    [InlineData(new byte[] { 1, 2, 1, 2, 3 })]    // two entries announced, a few bytes present
    [InlineData(new byte[] { 1, 0x80 })]          // a count cut short
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0x7F })] // a count beyond the bytes present
    public void A_damaged_request_log_is_refused_not_misread(byte[] packed)
        => Assert.Throws<FormatException>(() => SessionRequestPacking.Unpack(packed));

    private static SessionRecord Busy(int operations)
    {
        var random = new Random(7);
        return new SessionRecord
        {
            Data = new(StringComparer.Ordinal) { ["n"] = "12"u8.ToArray() },
            Version = 1_000 + operations,
            CreatedAt = At,
            LastAccessAt = At,
            IdleTimeout = TimeSpan.FromMinutes(20),
            Operations = Enumerable.Range(0, operations).Select(i => new SessionOperation
            {
                Id = Guid.NewGuid(),
                Version = 1_000 + i,
                Value = i % 3 == 0 ? -random.NextInt64(1, 1_000_000) : random.NextInt64(0, 100),
                At = At.AddTicks(i * 1_234_567L),
            }).ToArray(),
        };
    }

    private static void AssertSameOperations(SessionOperation[] expected, SessionOperation[] actual)
        => Assert.Equal(expected.Select(o => (o.Id, o.Version, o.Value, o.At.UtcTicks)), actual.Select(o => (o.Id, o.Version, o.Value, o.At.UtcTicks)));
}
