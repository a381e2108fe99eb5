using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

// The lease streams open on this host, by the key their callers send with loads and writes (?lease=KEY). A key is
// known only to the host that serves its stream: on any other host the caller's calls go without a lease.
internal sealed class StoreApiLeaseHolders(
    IGrainFactory grains, SessionStoreApiHandlers handlers, IHostApplicationLifetime lifetime, ILogger<StoreApiLeaseHolders> logger)
{
    private readonly ConcurrentDictionary<string, StoreApiLeaseHolder> _holders = new(StringComparer.Ordinal);

    public StoreApiLeaseHolder? Find(string? key)
        => key is not null && _holders.TryGetValue(key, out var holder) ? holder : null;

    /// <summary>POST {prefix}/leases?durationMs=N: serves one caller's lease stream until either side ends it.</summary>
    public async Task OpenAsync(HttpContext context)
    {
        if (!long.TryParse(context.Request.Query["durationMs"], out var milliseconds)
            || milliseconds < 1 || milliseconds > SessionReadLease.MaxDuration.TotalMilliseconds)
        {
            await SessionStoreApiHandlers.Error(StatusCodes.Status400BadRequest, "invalid_request",
                $"\"durationMs\" must be 1 to {SessionReadLease.MaxDuration.TotalMilliseconds}.").ExecuteAsync(context);
            return;
        }

        // The stream is long and mostly idle: Kestrel's body size and data rate limits are for ordinary requests.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        var holder = new StoreApiLeaseHolder(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), TimeSpan.FromMilliseconds(milliseconds), handlers);
        holder.Reference = grains.CreateObjectReference<ISessionReadCache>(holder);
        _holders[holder.Key] = holder;
        SessionStoreApiLog.LeaseStreamOpened(logger, milliseconds);
        try
        {
            // A stream ends with the host, not after the shutdown timeout: the caller loads from another host meanwhile.
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            await holder.RunAsync(context, ended.Token);
        }
        finally
        {
            _holders.TryRemove(holder.Key, out _);
            grains.DeleteObjectReference<ISessionReadCache>(holder.Reference);
            SessionStoreApiLog.LeaseStreamClosed(logger);
        }
    }
}
