using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace SessionGrains.Testing;

/// <summary>
/// Finds what <c>UseOrleans</c> / <c>UseOrleansClient</c> (and SessionGrains' silo registrations) put into an app's
/// service collection: every descriptor whose service, implementation, instance or factory comes from an Orleans assembly
/// or SessionGrains' silo and cluster assemblies (Server, Hosting), generic arguments included. Removing them removes the silo or client, their hosted services
/// and their grain factory, so nothing of the app's own cluster starts.
/// </summary>
internal static class OrleansRegistrations
{
    private static readonly HashSet<string> SessionGrainsSiloAssemblies =
        [typeof(SessionGrains.Server.SessionSiloOptions).Assembly.GetName().Name!, "SessionGrains.Hosting"];

    public static int RemoveFrom(IServiceCollection services)
    {
        var removed = services.Where(IsOrleans).ToList();
        foreach (var descriptor in removed)
        {
            services.Remove(descriptor);
        }

        return removed.Count;
    }

    private static bool IsOrleans(ServiceDescriptor d) => d.IsKeyedService
        ? IsOrleans(d.ServiceType) || IsOrleans(d.KeyedImplementationType) || IsOrleans(d.KeyedImplementationInstance?.GetType())
            || IsOrleans(d.KeyedImplementationFactory?.Method.DeclaringType)
        : IsOrleans(d.ServiceType) || IsOrleans(d.ImplementationType) || IsOrleans(d.ImplementationInstance?.GetType())
            || IsOrleans(d.ImplementationFactory?.Method.DeclaringType);

    private static bool IsOrleans(Type? type) => type is not null
        && (IsOrleans(type.Assembly) || (type.IsGenericType && type.GetGenericArguments().Any(IsOrleans)));

    private static bool IsOrleans(Assembly assembly) => assembly.GetName().Name is { } name
        && (name == "Orleans" || name.StartsWith("Orleans.", StringComparison.Ordinal) || SessionGrainsSiloAssemblies.Contains(name));
}
