using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orleans;

namespace SessionGrains.AppHost;

/// <summary>
/// Makes a project a member of the farm's Orleans cluster: Aspire's Orleans reference (providers, and for a silo its
/// orleans-silo and orleans-gateway endpoints, a port of each per replica), then the same in our hosts' "Cluster" section.
/// </summary>
internal static class SessionClusterMembership
{
    /// <summary>A silo: Cluster__SiloPort and Cluster__GatewayPort are this replica's ports of Aspire's Orleans endpoints.</summary>
    public static IResourceBuilder<ProjectResource> WithSessionSilo(
        this IResourceBuilder<ProjectResource> silo, OrleansService orleans, string clusterId, string serviceId)
    {
        silo.WithReference(orleans);
        return silo
            .WithClusterIdentity(clusterId, serviceId)
            .WithEnvironment("Cluster__SiloPort", silo.GetEndpoint("orleans-silo").Property(EndpointProperty.TargetPort))
            .WithEnvironment("Cluster__GatewayPort", silo.GetEndpoint("orleans-gateway").Property(EndpointProperty.TargetPort));
    }

    /// <summary>A front end in client mode: it finds the gateways in the cluster's membership table.</summary>
    public static IResourceBuilder<ProjectResource> WithSessionClient(
        this IResourceBuilder<ProjectResource> web, OrleansService orleans, string clusterId, string serviceId)
        => web.WithReference(orleans.AsClient())
            .WithClusterIdentity(clusterId, serviceId)
            .WithEnvironment("Cluster__Mode", "Client");

    private static IResourceBuilder<ProjectResource> WithClusterIdentity(
        this IResourceBuilder<ProjectResource> member, string clusterId, string serviceId)
        => member
            .WithEnvironment("Cluster__ClusterId", clusterId)
            .WithEnvironment("Cluster__ServiceId", serviceId)
            .WithEnvironment("Cluster__AdvertisedAddress", "127.0.0.1");
}
