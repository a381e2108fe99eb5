using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// A bounded write load: each worker owns some sessions and POSTs /counter/atomic on them in turn, recording every
/// acknowledged value and every failure with its time. With <paramref name="retryWithKey"/>, each increment carries its
/// own Idempotency-Key and is sent again with it after a gateway error, a 409 or a lost connection, within
/// <see cref="RetryBudget"/>: only then is it a failure.
/// </summary>
public sealed class CounterLoad(HttpClient client, IReadOnlyList<string> cookies, bool retryWithKey = false)
{
    /// <summary>How long a retrying client keeps sending one increment: well within the silos' OperationRetention (30 s).</summary>
    public static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(20);

    private readonly Stopwatch _clock = new();

    /// <summary>When each acknowledgement came, since the load began.</summary>
    private readonly ConcurrentQueue<TimeSpan> _acknowledgedAt = new();

    /// <summary>Acknowledged increments per session cookie, counting the one that created the session.</summary>
    public ConcurrentDictionary<string, int> Acknowledged { get; } = new(cookies.Select(c => KeyValuePair.Create(c, 1)));
    public ConcurrentDictionary<string, int> Failed { get; } = new();
    /// <summary>Failed requests: when each was sent, how long it took to fail, and how (status code or exception).</summary>
    public ConcurrentBag<(TimeSpan At, TimeSpan Took, string What)> Errors { get; } = new();
    public int Successes => Acknowledged.Values.Sum() - cookies.Count;

    /// <summary>Attempts a retrying client sent again, and why (status code or exception).</summary>
    public ConcurrentBag<string> Retried { get; } = new();

    /// <summary>How long every request took, failed or not (a retrying client's: all its attempts).</summary>
    public ConcurrentBag<TimeSpan> Latencies { get; } = new();

    /// <summary>Per session, when its first acknowledgement after the action had completed came (time since the load began).</summary>
    public ConcurrentDictionary<string, TimeSpan> FirstSuccessAfterAction { get; } = new();

    /// <summary>Time since the load began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>When the first acknowledgement at or after <paramref name="since"/> came (since the load began); MaxValue if none did.</summary>
    public TimeSpan FirstAcknowledgementAfter(TimeSpan since) => _acknowledgedAt.Where(t => t >= since).DefaultIfEmpty(TimeSpan.MaxValue).Min();

    /// <summary>When the action started, since the load began.</summary>
    public TimeSpan ActionAt { get; private set; } = TimeSpan.MaxValue;

    /// <summary>When the action completed (e.g. the killed process was gone), since the load began.</summary>
    public TimeSpan ActionDoneAt { get; private set; } = TimeSpan.MaxValue;

    public int Requests => Latencies.Count;

    /// <summary>The <paramref name="fraction"/> quantile of request latencies (nearest rank).</summary>
    public TimeSpan Percentile(double fraction)
    {
        var sorted = Latencies.Order().ToArray();
        return sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Creates <paramref name="count"/> sessions through <paramref name="client"/> and returns their cookies.</summary>
    public static async Task<string[]> CreateSessionsAsync(HttpClient client, int count)
    {
        var cookies = new string[count];
        for (var i = 0; i < count; i++)
        {
            using var response = await client.PostAsync("/counter/atomic", null);
            response.EnsureSuccessStatusCode();
            var setCookie = response.Headers.GetValues("Set-Cookie").Single();
            cookies[i] = setCookie[..setCookie.IndexOf(';')];
        }

        return cookies;
    }

    /// <summary>
    /// Runs <paramref name="workers"/> workers for at least <paramref name="duration"/> and until <paramref name="during"/>
    /// (started at <paramref name="actionAt"/>) has completed, plus 2 s.
    /// </summary>
    public async Task RunAsync(int workers, TimeSpan duration, TimeSpan actionAt, Func<Task> during)
    {
        var clock = _clock;
        clock.Restart();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w, workers, clock, stop.Token))).ToArray();
        try
        {
            await Task.Delay(actionAt);
            ActionAt = clock.Elapsed;
            await during();
            ActionDoneAt = clock.Elapsed;
            var minimum = duration - clock.Elapsed;
            await Task.Delay(minimum > TimeSpan.FromSeconds(2) ? minimum : TimeSpan.FromSeconds(2));
        }
        finally
        {
            // The workers stop with the load, also when the action failed.
            stop.Cancel();
            await Task.WhenAll(load);
        }
    }

    private async Task WorkAsync(int worker, int workers, Stopwatch clock, CancellationToken stop)
    {
        var mine = cookies.Where((_, i) => i % workers == worker).ToArray();
        for (var turn = 0; !stop.IsCancellationRequested; turn++)
        {
            var cookie = mine[turn % mine.Length];
            var sentAt = clock.Elapsed;
            var failure = await IncrementAsync(cookie);
            Latencies.Add(clock.Elapsed - sentAt);
            if (failure is null)
            {
                Acknowledged.AddOrUpdate(cookie, 1, (_, n) => n + 1);
                _acknowledgedAt.Enqueue(clock.Elapsed);
                if (clock.Elapsed >= ActionDoneAt)
                {
                    FirstSuccessAfterAction.TryAdd(cookie, clock.Elapsed);
                }

                continue;
            }

            Errors.Add((sentAt, clock.Elapsed - sentAt, failure));
            Failed.AddOrUpdate(cookie, 1, (_, n) => n + 1);
        }
    }

    // One increment: null when acknowledged, else how it failed (status code or exception). A retrying client sends it
    // again under its key, pausing 50 ms doubling to 1 s, until it is answered or the budget is spent.
    private async Task<string?> IncrementAsync(string cookie)
    {
        var key = $"\"{Guid.NewGuid()}\"";
        var started = Stopwatch.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/counter/atomic");
            request.Headers.Add("Cookie", cookie);
            if (retryWithKey)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            }

            string failure;
            try
            {
                using var response = await client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return null;
                }

                failure = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                if (response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout))
                {
                    return failure;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                failure = exception.GetType().Name;
            }

            if (!retryWithKey || Stopwatch.GetElapsedTime(started) + pause > RetryBudget)
            {
                return failure;
            }

            Retried.Add(failure);
            await Task.Delay(pause);
            pause = pause * 2 < TimeSpan.FromSeconds(1) ? pause * 2 : TimeSpan.FromSeconds(1);
        }
    }
}
