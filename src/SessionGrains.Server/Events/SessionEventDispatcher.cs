using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace SessionGrains.Server;

/// <summary>
/// Hands session lifecycle events to the silo's <see cref="ISessionLifecycleHandler"/>s, and to the stream named by
/// <see cref="SessionSiloOptions.EventStreamProvider"/>, from a bounded queue, one event at a time, each handler under
/// <see cref="SessionSiloOptions.EventHandlerTimeout"/>; failures are logged, never retried. With no handler and no
/// stream, raising an event costs nothing.
/// </summary>
public sealed class SessionEventDispatcher : BackgroundService
{
    /// <summary>The key of the stream that carries every event, in <see cref="SessionSiloOptions.EventStreamNamespace"/>.</summary>
    public const string StreamKey = "all";

    private readonly ISessionLifecycleHandler[] _handlers;
    private readonly Channel<SessionLifecycleEvent>? _queue;
    private readonly SessionSiloOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    /// <summary>Creates the dispatcher; <c>AddSessionGrains</c> registers it as a singleton and hosted service.</summary>
    public SessionEventDispatcher(
        IEnumerable<ISessionLifecycleHandler> handlers, IOptions<SessionSiloOptions> options, IServiceProvider services,
        ILogger<SessionEventDispatcher> logger)
    {
        _handlers = handlers.ToArray();
        _options = options.Value;
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

    /// <summary>True when a handler or a stream is configured; without one, events are not even built.</summary>
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
                        .GetStream<SessionLifecycleEvent>(StreamId.Create(_options.EventStreamNamespace, StreamKey));
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
