using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

// One session API caller's read cache (a connect-sessiongrains store), reached over its lease stream: each invalidation
// from a grain goes out as a line and is done when the caller acknowledges its number on the request body. A closed
// stream confirms nothing, so the grain waits out the caller's lease instead. The request body also carries the
// caller's calls on every request's path (StoreApiStreamCall), answered on the stream under its lease, so they cost
// no HTTP request each.
internal sealed class StoreApiLeaseHolder(string key, TimeSpan duration, SessionStoreApiHandlers handlers) : ISessionReadCache
{
    /// <summary>The longest line the caller may send: a call carries at most a session's changes.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    // Calls run concurrently, up to this many; the stream reads no further line until one ends.
    private const int MaxCallsInFlight = 256;

    private static readonly JsonWriterOptions LineOptions = new() { Encoder = StoreApiJson.Api.Options.Encoder };
    private readonly Channel<StoreApiStreamLine> _outgoing = Channel.CreateUnbounded<StoreApiStreamLine>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _callSlots = new(MaxCallsInFlight);
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _unconfirmed = new();
    private long _numbers;
    private volatile bool _closed;

    public string Key => key;

    public TimeSpan Duration => duration;

    /// <summary>The grain observer reference the grains call (set once it is made).</summary>
    public ISessionReadCache Reference { get; set; } = null!;

    async Task ISessionReadCache.InvalidateAsync(string sessionId)
    {
        var number = Interlocked.Increment(ref _numbers);
        var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _unconfirmed[number] = confirmed;
        if (_closed || !_outgoing.Writer.TryWrite(new StoreApiStreamLine(new StoreApiInvalidation(number, sessionId), 0, null)))
        {
            _unconfirmed.TryRemove(number, out _);
            throw new InvalidOperationException("The lease stream has closed.");
        }

        try
        {
            await confirmed.Task.WaitAsync(SessionReadLease.MaxDuration);
        }
        finally
        {
            _unconfirmed.TryRemove(number, out _);
        }
    }

    /// <summary>Serves the stream until the caller or the host ends it: the holder's line first, then invalidations and answers.</summary>
    public async Task RunAsync(HttpContext context, CancellationToken ended)
    {
        var response = context.Response;
        response.ContentType = "application/x-ndjson";
        response.Headers.CacheControl = "no-store";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ended);
        Task sending = Task.CompletedTask, receiving = Task.CompletedTask;
        try
        {
            sending = SendAsync(response.BodyWriter, stop.Token);
            receiving = ReceiveAsync(context.Request.BodyReader, stop.Token);
            await Task.WhenAny(sending, receiving);
        }
        catch (Exception exception) when (IsStreamEnd(exception))
        {
        }
        finally
        {
            Close();
            stop.Cancel();
            try
            {
                await Task.WhenAll(sending, receiving);
            }
            catch (Exception exception) when (IsStreamEnd(exception))
            {
            }
        }
    }

    private static bool IsStreamEnd(Exception exception)
        => exception is OperationCanceledException or IOException or ConnectionResetException or BadHttpRequestException;

    private void Close()
    {
        _closed = true;
        _outgoing.Writer.TryComplete();
        foreach (var (_, confirmation) in _unconfirmed)
        {
            confirmation.TrySetException(new InvalidOperationException("The lease stream has closed."));
        }
    }

    // The holder's line, then what is waiting, flushed once: the answers to calls that came together leave together.
    private async Task SendAsync(PipeWriter writer, CancellationToken aborted)
    {
        var reader = _outgoing.Reader;
        using var json = new Utf8JsonWriter(writer, LineOptions);
        JsonSerializer.Serialize(json, new StoreApiLeaseStream(key, (long)duration.TotalMilliseconds, Calls: true), StoreApiJson.Api.StoreApiLeaseStream);
        json.Flush();
        writer.Write("\n"u8);
        await writer.FlushAsync(aborted);
        while (await reader.WaitToReadAsync(aborted))
        {
            while (reader.TryRead(out var line))
            {
                json.Reset(writer);
                line.Write(json);
                json.Flush();
                writer.Write("\n"u8);
            }

            await writer.FlushAsync(aborted);
        }
    }

    // The caller's lines: acknowledgements (an invalidation's number) and calls (JSON objects).
    private async Task ReceiveAsync(PipeReader reader, CancellationToken aborted)
    {
        while (true)
        {
            var read = await reader.ReadAsync(aborted);
            var buffer = read.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = buffer.Slice(0, end);
                buffer = buffer.Slice(buffer.GetPosition(1, end));
                if (line.FirstSpan is [(byte)'{', ..])
                {
                    if (!StoreApiStreamCall.TryParse(line.ToArray(), out var call))
                    {
                        return; // not a call: the caller speaks another protocol
                    }

                    await _callSlots.WaitAsync(aborted);
                    _ = AnswerAsync(call);
                }
                else
                {
                    Confirm(line);
                }
            }

            if (read.IsCompleted || buffer.Length > MaxLineBytes)
            {
                return; // the caller ended the stream (or sent a line longer than any call)
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task AnswerAsync(StoreApiStreamCall call)
    {
        StoreApiAnswer answer;
        try
        {
            answer = await handlers.CallAsync(this, call.Operation, call.Id, call.Body);
        }
        catch (OperationCanceledException)
        {
            return; // the host is stopping: the caller sends the call again elsewhere, with its operation ID
        }
        finally
        {
            _callSlots.Release();
        }

        _outgoing.Writer.TryWrite(new StoreApiStreamLine(null, call.Number, answer));
    }

    private void Confirm(ReadOnlySequence<byte> line)
    {
        Span<byte> digits = stackalloc byte[24];
        if (line.Length <= digits.Length)
        {
            line.CopyTo(digits);
            if (Utf8Parser.TryParse(digits[..(int)line.Length].TrimEnd((byte)'\r'), out long number, out _)
                && _unconfirmed.TryGetValue(number, out var confirmation))
            {
                confirmation.TrySetResult();
            }
        }
    }
}
