using Aspire.Hosting.ApplicationModel;
using SessionGrains.LocalFarm;

namespace SessionGrains.AppHost;

/// <summary>
/// Debian's PostgreSQL run as an executable on loopback (as the postgres user when the AppHost runs as root), with its
/// one TCP endpoint; trust authentication on loopback, the superuser's own database.
/// </summary>
internal sealed class PostgresServerResource(string name, string executable, string workingDirectory)
    : ExecutableResource(name, executable, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The endpoint's name.</summary>
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username={PostgresServer.SuperUser};Database={PostgresServer.SuperUser};Timeout=5");
}
