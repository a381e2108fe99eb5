using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace SessionGrains.Server;

/// <summary>One Data Protection key ring; its contract is on <see cref="IDataProtectionKeyRingGrain"/>.</summary>
[GrainType(SessionGrainNames.DataProtectionKeyRingGrainType)]
internal sealed class DataProtectionKeyRingGrain : Grain, IDataProtectionKeyRingGrain
{
    /// <summary>How long the first reader of an empty ring has to store the first key before another reader may.</summary>
    private static readonly TimeSpan FirstKeyLease = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<DataProtectionKeyRing> _state;
    private readonly SessionSiloOptions _options;
    private readonly TimeProvider _clock;
    private DataProtectionKeyRing _acknowledged = new(); // what reads answer: never an element whose write is under way
    private long? _firstKeyLeaseStarted; // real time (TimeProvider.System), whatever the session clock

    public DataProtectionKeyRingGrain(
        IGrainContext grainContext,
        GrainStateFactory states,
        IOptions<SessionSiloOptions> options,
        [FromKeyedServices(SessionGrainServiceKeys.TimeProvider)] TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _state = states.Create<DataProtectionKeyRing>(grainContext, SessionGrainNames.DataProtectionKeyRingState);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _acknowledged = _state.State;
        return Task.CompletedTask;
    }

    public Task<DataProtectionKeyRingRead> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_acknowledged.Elements.Count == 0)
        {
            if (_firstKeyLeaseStarted is { } started && TimeProvider.System.GetElapsedTime(started) < FirstKeyLease)
            {
                return Task.FromResult(new DataProtectionKeyRingRead([], FirstKeyPending: true));
            }

            _firstKeyLeaseStarted = TimeProvider.System.GetTimestamp(); // this reader creates the first key
        }

        return Task.FromResult(new DataProtectionKeyRingRead(_acknowledged.Elements.Select(e => Encoding.UTF8.GetString(e.Xml)).ToList()));
    }

    public async Task StoreElementAsync(string xml, string? friendlyName, Guid operationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(xml);
        if (operationId != Guid.Empty && _acknowledged.Elements.Exists(e => e.OperationId == operationId))
        {
            return; // a retry of a store that was written
        }

        EnsureOneElement(xml);
        var bytes = Encoding.UTF8.GetBytes(xml);
        var total = _acknowledged.Elements.Sum(e => (long)e.Xml.Length) + bytes.Length;
        if (total > _options.MaxSessionBytes)
        {
            throw new InvalidOperationException(
                $"The key ring '{this.GetPrimaryKeyString()}' would hold {total} bytes of XML, over the session size limit ({_options.MaxSessionBytes} bytes, SessionSiloOptions.MaxSessionBytes); nothing was stored.");
        }

        var element = new DataProtectionKeyRingElement { Xml = bytes, FriendlyName = friendlyName, OperationId = operationId, StoredAt = _clock.GetUtcNow() };
        var next = new DataProtectionKeyRing { Elements = [.. _acknowledged.Elements, element] };
        _state.State = next; // stores run one at a time (only reads interleave), so _acknowledged is what storage holds
        try
        {
            await _state.WriteStateAsync();
            _acknowledged = next;
        }
        catch (Exception exception)
        {
            _state.State = _acknowledged;
            if (exception is InconsistentStateException)
            {
                DeactivateOnIdle(); // another activation wrote: the caller's retry meets the stored ring
            }

            throw;
        }
    }

    private static void EnsureOneElement(string xml)
    {
        try
        {
            _ = XElement.Parse(xml);
        }
        catch (XmlException exception)
        {
            throw new ArgumentException($"A key ring element must be one well-formed XML element: {exception.Message}", nameof(xml));
        }
    }
}
