using Aspire.Hosting.ApplicationModel;

namespace SessionGrains.AppHost;

/// <summary>Debian's redis-server run as an executable on loopback, with its one TCP endpoint.</summary>
internal sealed class RedisServerResource(string name, string executable, string workingDirectory)
    : ExecutableResource(name, executable, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The endpoint's name.</summary>
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)},abortConnect=false");
}
