using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace SessionGrains.Server;

/// <summary>
/// Counts a session's lifecycle events and hands them to the silo's <see cref="ISessionLifecycleHandler"/>s and event
/// stream, off the session's call path (the delivery guarantee is on <see cref="ISessionLifecycleHandler"/>).
/// </summary>
internal sealed class SessionEventDispatcher : BackgroundService
{
    private readonly ISessionLifecycleHandler[] _handlers;
    private readonly Channel<SessionLifecycleEvent>? _queue; // null without handler and stream: events are not even built
    private readonly SessionSiloOptions _options;
    private readonly SessionSiloMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    public SessionEventDispatcher(
        IEnumerable<ISessionLifecycleHandler> handlers, IOptions<SessionSiloOptions> options, SessionSiloMetrics metrics,
        [FromKeyedServices(SessionGrainServiceKeys.TimeProvider)] TimeProvider clock, IServiceProvider services,
        ILogger<SessionEventDispatcher> logger)
    {
        _handlers = handlers.ToArray();
        _options = options.Value;
        _metrics = metrics;
        _clock = clock;
        _services = services;
        _logger = logger;
        if (_handlers.Length > 0 || _options.EventStreamProvider is not null)
        {
            _queue = Channel.CreateBounded<SessionLifecycleEvent>(new BoundedChannelOptions(_options.EventQueueCapacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.DropWrite,
            });
        }
    }

    /// <summary>Counts a <paramref name="kind"/> event of the session tagged <paramref name="sessionTag"/> and queues it; never waits.</summary>
    public void Raise(
        SessionEventKind kind, string sessionTag, SessionUserBinding? user = null, SessionExpiryLayer? layer = null, string? newSessionId = null)
    {
        _metrics.Record(kind, layer);
        if (_queue is null)
        {
            return;
        }

        var sessionEvent = new SessionLifecycleEvent(kind, sessionTag, _clock.GetUtcNow(), user?.UserId, user?.Handle, layer,
            newSessionId is null ? null : SessionTag.Of(newSessionId));
        if (!_queue.Writer.TryWrite(sessionEvent))
        {
            SessionGrainLog.EventDropped(_logger, sessionEvent.Kind, sessionEvent.SessionTag);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_queue is null)
        {
            return;
        }

        await Task.Yield(); // off the host's start-up path
        IAsyncStream<SessionLifecycleEvent>? stream = null;
        try
        {
            await foreach (var sessionEvent in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                foreach (var handler in _handlers)
                {
                    await DeliverAsync(handler.GetType().Name, sessionEvent, ct => handler.HandleAsync(sessionEvent, ct), stoppingToken);
                }

                if (_options.EventStreamProvider is { } provider)
                {
                    stream ??= _services.GetRequiredKeyedService<IStreamProvider>(provider)
                        .GetStream<SessionLifecycleEvent>(StreamId.Create(_options.EventStreamNamespace, SessionGrainNames.EventStreamKey));
                    await DeliverAsync("stream " + provider, sessionEvent, _ => stream.OnNextAsync(sessionEvent), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(
        string target, SessionLifecycleEvent sessionEvent, Func<CancellationToken, Task> deliver, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.EventHandlerTimeout);
        try
        {
            await deliver(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            SessionGrainLog.EventHandlerFailed(_logger, target, sessionEvent.Kind, exception);
        }
    }
}
