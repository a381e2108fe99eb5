using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.Server;

/// <summary>
/// Hands session lifecycle events to the silo's <see cref="ISessionLifecycleHandler"/>s from a bounded queue, one event
/// at a time, each handler under <see cref="SessionSiloOptions.EventHandlerTimeout"/>; failures are logged, never
/// retried. With no handler registered, raising an event costs nothing.
/// </summary>
public sealed class SessionEventDispatcher : BackgroundService
{
    private readonly ISessionLifecycleHandler[] _handlers;
    private readonly Channel<SessionLifecycleEvent>? _queue;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    /// <summary>Creates the dispatcher; <c>AddSessionGrains</c> registers it as a singleton and hosted service.</summary>
    public SessionEventDispatcher(
        IEnumerable<ISessionLifecycleHandler> handlers, IOptions<SessionSiloOptions> options, ILogger<SessionEventDispatcher> logger)
    {
        _handlers = handlers.ToArray();
        _timeout = options.Value.EventHandlerTimeout;
        _logger = logger;
        if (_handlers.Length > 0)
        {
            _queue = Channel.CreateBounded<SessionLifecycleEvent>(new BoundedChannelOptions(options.Value.EventQueueCapacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.DropWrite,
            });
        }
    }

    /// <summary>True when a handler is registered; without one, events are not even built.</summary>
    public bool IsEnabled => _queue is not null;

    /// <summary>Queues <paramref name="sessionEvent"/> for the handlers; never waits.</summary>
    public void Raise(SessionLifecycleEvent sessionEvent)
    {
        if (_queue is not null && !_queue.Writer.TryWrite(sessionEvent))
        {
            SessionGrainLog.EventDropped(_logger, sessionEvent.Kind, sessionEvent.SessionTag);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_queue is null)
        {
            return;
        }

        await Task.Yield(); // off the host's start-up path
        try
        {
            await foreach (var sessionEvent in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                foreach (var handler in _handlers)
                {
                    await HandleAsync(handler, sessionEvent, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(ISessionLifecycleHandler handler, SessionLifecycleEvent sessionEvent, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await handler.HandleAsync(sessionEvent, timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            SessionGrainLog.EventHandlerFailed(_logger, handler.GetType().Name, sessionEvent.Kind, exception);
        }
    }
}
