using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace SessionGrains.AspNetCore;

// One session API caller's read cache (a connect-sessiongrains store), reached over its lease stream: each invalidation
// from a grain goes out as a line and is done when the caller acknowledges its number on the request body. A closed
// stream confirms nothing, so the grain waits out the caller's lease instead.
internal sealed class StoreApiLeaseHolder(string key, TimeSpan duration) : ISessionReadCache
{
    private readonly Channel<StoreApiInvalidation> _outgoing = Channel.CreateUnbounded<StoreApiInvalidation>(
        new UnboundedChannelOptions { SingleReader = true });
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
        if (_closed || !_outgoing.Writer.TryWrite(new StoreApiInvalidation(number, sessionId)))
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

    /// <summary>Serves the stream until the caller or the host ends it: the holder's line first, then invalidations.</summary>
    public async Task RunAsync(HttpContext context, CancellationToken ended)
    {
        var response = context.Response;
        response.ContentType = "application/x-ndjson";
        response.Headers.CacheControl = "no-store";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ended);
        Task sending = Task.CompletedTask, receiving = Task.CompletedTask;
        try
        {
            await WriteLineAsync(response.BodyWriter, new StoreApiLeaseStream(key, (long)duration.TotalMilliseconds), StoreApiJson.Api.StoreApiLeaseStream, stop.Token);
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

    private async Task SendAsync(PipeWriter writer, CancellationToken aborted)
    {
        await foreach (var invalidation in _outgoing.Reader.ReadAllAsync(aborted))
        {
            await WriteLineAsync(writer, invalidation, StoreApiJson.Api.StoreApiInvalidation, aborted);
        }
    }

    // The caller's acknowledgements: one invalidation number per line.
    private async Task ReceiveAsync(PipeReader reader, CancellationToken aborted)
    {
        while (true)
        {
            var read = await reader.ReadAsync(aborted);
            var buffer = read.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                Confirm(buffer.Slice(0, end));
                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }

            if (read.IsCompleted || buffer.Length > 64)
            {
                return; // the caller ended the stream (or sent something that is no acknowledgement)
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
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

    private static async Task WriteLineAsync<T>(PipeWriter writer, T value, JsonTypeInfo<T> type, CancellationToken aborted)
    {
        using (var json = new Utf8JsonWriter(writer))
        {
            JsonSerializer.Serialize(json, value, type);
        }

        writer.Write("\n"u8);
        await writer.FlushAsync(aborted);
    }
}
