using Aspire.Hosting.ApplicationModel;

namespace SessionGrains.AppHost;

/// <summary>
/// Azurite run as an executable (the npm package installed in deploy/local), with its blob, queue and table endpoints;
/// its connection string uses Azurite's public development account and names each endpoint, so the ports can move.
/// </summary>
internal sealed class AzuriteResource(string name, string executable, string workingDirectory)
    : ExecutableResource(name, executable, workingDirectory), IResourceWithConnectionString
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The development account's key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The names of the three endpoints.</summary>
    public const string Blob = "blob", Queue = "queue", Table = "table";

    public EndpointReference BlobEndpoint => new(this, Blob);

    public EndpointReference QueueEndpoint => new(this, Queue);

    public EndpointReference TableEndpoint => new(this, Table);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint.Property(EndpointProperty.Url)}/{AccountName};" +
        $"QueueEndpoint={QueueEndpoint.Property(EndpointProperty.Url)}/{AccountName};" +
        $"TableEndpoint={TableEndpoint.Property(EndpointProperty.Url)}/{AccountName};");
}
