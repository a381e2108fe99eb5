namespace SessionGrains.AspNetCore;

// The response body of a request with an Idempotency-Key: held in memory, up to a limit, so that it is recorded before
// the client sees it; beyond the limit, what was held goes out and the rest streams as usual (and is not recorded).
// Flushes while holding are deferred: the response has not started.
internal sealed class RecordingResponseBody(Stream inner, int limit) : Stream
{
    private MemoryStream? _held = new();

    /// <summary>The whole body, while it fits the limit; null once it outgrew it.</summary>
    public ReadOnlyMemory<byte>? Held => _held is null ? null : _held.GetBuffer().AsMemory(0, (int)_held.Length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Sends what is held (the body is complete).</summary>
    public async Task SendHeldAsync(CancellationToken cancellationToken)
    {
        if (_held is { Length: > 0 } held)
        {
            await inner.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
        }

        _held = null;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_held is not null && _held.Length + buffer.Length <= limit)
        {
            _held.Write(buffer);
            return;
        }

        if (_held is not null)
        {
            inner.Write(_held.GetBuffer(), 0, (int)_held.Length);
            _held = null;
        }

        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_held is not null && _held.Length + buffer.Length <= limit)
        {
            _held.Write(buffer.Span);
            return;
        }

        if (_held is not null)
        {
            var held = _held;
            _held = null;
            await inner.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
        }

        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush()
    {
        if (_held is null)
        {
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _held is null ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
