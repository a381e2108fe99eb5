using SessionGrains.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Marks endpoints that honour the <c>Idempotency-Key</c> request header.</summary>
public static class SessionIdempotencyEndpointConventionBuilderExtensions
{
    /// <summary>
    /// A request to these endpoints with an <c>Idempotency-Key</c> and a session applies its session writes once however
    /// often it is sent, and its retries are answered with the recorded response (see <see cref="SessionIdempotencyOptions"/>).
    /// <paramref name="enabled"/> false opts the endpoints out when <see cref="SessionIdempotencyOptions.AllUnsafeRequests"/> is set.
    /// </summary>
    public static TBuilder WithSessionIdempotency<TBuilder>(this TBuilder builder, bool enabled = true) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new SessionIdempotentAttribute(enabled));
    }
}
