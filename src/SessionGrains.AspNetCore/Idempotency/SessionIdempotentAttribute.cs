namespace SessionGrains.AspNetCore;

/// <summary>
/// Endpoint metadata: the endpoint honours (or, with <c>false</c>, ignores) the <c>Idempotency-Key</c> request header,
/// whatever <see cref="SessionIdempotencyOptions.AllUnsafeRequests"/> says. On MVC actions and controllers, or through
/// <c>WithSessionIdempotency()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class SessionIdempotentAttribute(bool enabled = true) : Attribute
{
    /// <summary>True when the endpoint honours the header.</summary>
    public bool Enabled { get; } = enabled;
}
