using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Data Protection's key ring in a grain (<see cref="IDataProtectionKeyRingGrain"/>). Data Protection calls it
/// synchronously, so each call blocks its thread on a bounded, retried grain call; a store keeps one operation ID over
/// its attempts, so a retried store is applied once. While another host creates an empty ring's first key, a read
/// waits for that key rather than answer an empty ring (whose reader would create a key of its own).
/// </summary>
internal sealed class GrainXmlRepository : IXmlRepository
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ShortestAttempt = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan FirstKeyPoll = TimeSpan.FromMilliseconds(100);

    private readonly IGrainFactory _grains;
    private readonly SessionKeyRingOptions _options;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger _logger;

    public GrainXmlRepository(IGrainFactory grains, SessionKeyRingOptions options, IHostApplicationLifetime? lifetime, ILogger<GrainXmlRepository> logger)
    {
        _grains = grains;
        _options = options;
        _lifetime = lifetime;
        _logger = logger;
    }

    // Unreadable XML fails the whole read, as in ASP.NET Core's own repositories: the element may be a revocation.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = Task.Run(ReadAsync).GetAwaiter().GetResult().Select(XElement.Parse).ToList();
        SessionKeyRingLog.Read(_logger, elements.Count, _options.KeyRingName);
        return elements.AsReadOnly();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var xml = element.ToString(SaveOptions.DisableFormatting);
        var operationId = Guid.NewGuid();
        Call("stored", async (ring, ct) =>
        {
            await ring.StoreElementAsync(xml, friendlyName, operationId, ct);
            return true;
        });
        SessionKeyRingLog.Stored(_logger, friendlyName, _options.KeyRingName);
    }

    private async Task<IReadOnlyList<string>> ReadAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var read = await CallAsync("read", static (ring, ct) => ring.ReadAsync(ct));
            if (!read.FirstKeyPending)
            {
                return read.Elements;
            }

            var elapsed = TimeProvider.System.GetElapsedTime(started);
            if (elapsed + FirstKeyPoll >= _options.RetryDeadline)
            {
                SessionKeyRingLog.FirstKeyNotStored(_logger, _options.KeyRingName, elapsed);
                throw new SessionUnavailableException(
                    $"The Data Protection key ring '{_options.KeyRingName}' is empty, and the host that read it first has not stored its first key within {elapsed.TotalSeconds:0.0} s; the next read waits for it again.");
            }

            await Task.Delay(FirstKeyPoll);
        }
    }

    // On the thread pool, away from the caller's scheduler (a grain's, a synchronization context): nothing the wait blocks
    // is needed to finish the call, and every attempt is bounded, so the wait is too.
    private T Call<T>(string operation, Func<IDataProtectionKeyRingGrain, CancellationToken, Task<T>> call)
        => Task.Run(() => CallAsync(operation, call)).GetAwaiter().GetResult();

    private async Task<T> CallAsync<T>(string operation, Func<IDataProtectionKeyRingGrain, CancellationToken, Task<T>> call)
    {
        var started = TimeProvider.System.GetTimestamp();
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            var remaining = _options.RetryDeadline - TimeProvider.System.GetElapsedTime(started);
            var timeout = remaining < ShortestAttempt ? ShortestAttempt : remaining < _options.Timeout ? remaining : _options.Timeout;
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                // Resolved on each attempt: a client that has not connected yet cannot resolve it.
                var ring = _grains.GetGrain<IDataProtectionKeyRingGrain>(_options.KeyRingName);
                return await call(ring, cancel.Token).WaitAsync(timeout);
            }
            catch (Exception exception)
            {
                var wait = pause * (0.5 + Random.Shared.NextDouble());
                var elapsed = TimeProvider.System.GetElapsedTime(started);
                var starting = _lifetime is not null && !_lifetime.ApplicationStarted.IsCancellationRequested;
                var transient = starting || SessionGrainClient.IsTransient(exception);
                if (!transient || elapsed + wait >= _options.RetryDeadline)
                {
                    throw Unavailable(operation, attempt, elapsed, exception, starting, transient);
                }

                SessionKeyRingLog.Retried(_logger, attempt, wait, exception.GetType().Name);
                await Task.Delay(wait);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    private SessionUnavailableException Unavailable(
        string operation, int attempts, TimeSpan elapsed, Exception exception, bool starting, bool transient)
    {
        var cause = $"the last attempt failed with {exception.GetType().Name}: {exception.Message}" + (starting
            ? " This host has not finished starting: is its cluster client still connecting, or was Data Protection registered before UseOrleans or UseOrleansClient?"
            : transient ? " Is the session cluster up and reachable from this host?" : "");
        SessionKeyRingLog.Unavailable(_logger, _options.KeyRingName, operation, attempts, elapsed, cause, exception);
        var verb = operation == "read" ? "read from" : "stored in";
        return new SessionUnavailableException(
            $"The Data Protection key ring '{_options.KeyRingName}' could not be {verb} the session cluster after {attempts} attempt(s) in {elapsed.TotalSeconds:0.0} s; {cause}",
            exception);
    }
}
