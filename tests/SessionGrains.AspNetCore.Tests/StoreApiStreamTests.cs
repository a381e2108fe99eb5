using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// Calls on a lease stream (POST /session-store/leases): loads, applies and increments sent as JSON lines on the
/// request body and answered by number on the stream, under the stream's lease, exactly once with the caller's
/// operation ID; invalidations of other front ends' writes on the same stream.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class StoreApiStreamTests(FrontEndCluster cluster)
{
    private const string Token = "store-api-test-token-0123456789abcdef";
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(30);

    private Task<TestApp> StartAsync()
        => TestApp.StartAsync(cluster.Grains, configure: null, e =>
        {
            TestApp.MapSessionEndpoints(e);
            e.MapSessionStoreApi();
        }, services: s => s.AddSessionStoreApi(o => o.Tokens = [Token]));

    [Fact]
    public async Task Loads_writes_and_increments_on_the_stream_are_answered_by_number_under_its_lease_and_applied_once()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app);
        await using var stream = await LeaseStream.OpenAsync(app, durationMs: 5000);
        Assert.Equal(5000L, (long)stream.First["leaseMs"]!);
        Assert.True((bool)stream.First["calls"]!);

        var loaded = await stream.CallAsync(1, $$$"""{"call":1,"op":"load","id":"{{{id}}}"}""");
        Assert.Equal(200, (int)loaded["status"]!);
        Assert.Equal("\"ada\"", (string?)loaded["body"]!["values"]!["user"]);
        Assert.InRange((long)loaded["body"]!["leaseMs"]!, 1, 5000);

        // A write under the stream's own lease answers at once (no invalidation of itself), and its retry applies nothing.
        var operation = Guid.NewGuid();
        var apply = $$$"""{"op":"apply","id":"{{{id}}}","body":{"operationId":"{{{operation}}}","values":{"n":"\"é ✓\""},"removals":["user"]}}""";
        var applied = await stream.CallAsync(2, apply.Replace("{\"op\"", "{\"call\":2,\"op\""));
        var retried = await stream.CallAsync(3, apply.Replace("{\"op\"", "{\"call\":3,\"op\""));
        Assert.Equal(2L, (long)applied["body"]!["version"]!);
        Assert.Equal(2L, (long)retried["body"]!["version"]!);
        var record = (await cluster.ReadStoredRecordAsync(id))!;
        Assert.Equal(2L, record.Version);
        Assert.Equal("\"é ✓\"", Encoding.UTF8.GetString(record.Data["n"]));
        Assert.False(record.Data.ContainsKey("user"));

        var incremented = await stream.CallAsync(4, $$$"""{"call":4,"op":"increment","id":"{{{id}}}","body":{"key":"c","delta":5,"operationId":"{{{Guid.NewGuid()}}}"}}""");
        Assert.Equal(5L, (long)incremented["body"]!["value"]!);
        Assert.Equal(3L, (long)incremented["body"]!["version"]!);

        var unknown = await stream.CallAsync(5, $$$"""{"call":5,"op":"load","id":"{{{SessionTestSilo.NewSessionId()}}}"}""");
        Assert.Equal(404, (int)unknown["status"]!);
        Assert.Equal("no_session", (string?)unknown["body"]!["error"]);
        var notStreamed = await stream.CallAsync(6, $$$"""{"call":6,"op":"destroy","id":"{{{id}}}"}""");
        Assert.Equal(400, (int)notStreamed["status"]!);
        var badBody = await stream.CallAsync(7, $$$"""{"call":7,"op":"apply","id":"{{{id}}}","body":"x"}""");
        Assert.Equal(400, (int)badBody["status"]!);
        Assert.Equal("invalid_request", (string?)badBody["body"]!["error"]);
        foreach (var (number, badId) in new[] { (8, ""), (9, new string('x', SessionStoreApiHandlers.MaxIdLength + 1)) })
        {
            var refused = await stream.CallAsync(number, $$$"""{"call":{{{number}}},"op":"load","id":"{{{badId}}}"}""");
            Assert.Equal(400, (int)refused["status"]!);
        }

        Assert.NotNull(await cluster.ReadStoredRecordAsync(id)); // the refused destroy did nothing
    }

    [Fact]
    public async Task Another_front_ends_write_waits_for_the_streams_acknowledgement_and_a_line_that_is_no_call_ends_the_stream()
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app);
        await using var stream = await LeaseStream.OpenAsync(app, durationMs: 10000);
        Assert.Equal(200, (int)(await stream.CallAsync(1, $$$"""{"call":1,"op":"load","id":"{{{id}}}"}"""))["status"]!);

        var cookie = $"connect.sid={Uri.EscapeDataString(new SessionCookieSigner([TestApp.Secret]).Sign(id))}";
        var write = app.PostAsync("/set?key=k&value=v", cookie);
        var invalidation = await stream.ReadLineAsync();
        Assert.Equal(id, (string?)invalidation["id"]);
        Assert.False(write.IsCompleted); // held until the stream drops its copy (or the 10 s lease ends)
        await stream.SendAsync($"{(long)invalidation["n"]!}\n");
        Assert.Equal(HttpStatusCode.OK, (await write.WaitAsync(LineTimeout)).StatusCode);

        await stream.SendAsync("{not json\n");
        Assert.True(await stream.EndedAsync());
    }

    private static async Task<string> CreateAsync(TestApp app)
    {
        var id = SessionTestSilo.NewSessionId();
        var created = await app.SendAsync(HttpMethod.Put, $"/session-store/sessions/{id}", configure: r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            r.Content = new StringContent($$$"""{"operationId":"{{{Guid.NewGuid()}}}","values":{"user":"\"ada\""}}""", Encoding.UTF8, "application/json");
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return id;
    }

    // One open lease stream: lines go out on the request body as they are sent, and come back one at a time.
    private sealed class LeaseStream : IAsyncDisposable
    {
        private readonly Channel<string> _outgoing = Channel.CreateUnbounded<string>();
        private StreamReader _reader = null!;
        private HttpResponseMessage _response = null!;

        public JsonNode First { get; private set; } = null!;

        public static async Task<LeaseStream> OpenAsync(TestApp app, int durationMs)
        {
            var stream = new LeaseStream();
            var request = new HttpRequestMessage(HttpMethod.Post, $"/session-store/leases?durationMs={durationMs}")
            {
                Content = new LinesContent(stream._outgoing.Reader),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            stream._response = await app.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, stream._response.StatusCode);
            stream._reader = new StreamReader(await stream._response.Content.ReadAsStreamAsync(), Encoding.UTF8);
            stream.First = await stream.ReadLineAsync();
            return stream;
        }

        public ValueTask SendAsync(string lines) => _outgoing.Writer.WriteAsync(lines);

        /// <summary>Sends one call and reads the next line, which must be its answer.</summary>
        public async Task<JsonNode> CallAsync(long number, string line)
        {
            await SendAsync(line + "\n");
            var answer = await ReadLineAsync();
            Assert.Equal(number, (long?)answer["call"]);
            return answer;
        }

        public async Task<JsonNode> ReadLineAsync()
            => JsonNode.Parse(await _reader.ReadLineAsync().WaitAsync(LineTimeout) ?? throw new EndOfStreamException())!;

        public async Task<bool> EndedAsync() => await _reader.ReadLineAsync().WaitAsync(LineTimeout) is null;

        public ValueTask DisposeAsync()
        {
            _outgoing.Writer.TryComplete();
            _response.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class LinesContent(ChannelReader<string> lines) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await foreach (var line in lines.ReadAllAsync())
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(line));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
