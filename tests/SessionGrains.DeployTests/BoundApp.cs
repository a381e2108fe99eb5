using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting.Kubernetes;
using Orleans.Runtime;

namespace SessionGrains.DeployTests;

/// <summary>
/// An app built, not started, by its real set-up from a container's environment (as configuration, the way ASP.NET
/// Core maps environment variables), with every options type that has a validator resolved (so the app's
/// <c>IValidateOptions</c>, <c>Validate</c> and <c>ValidateOnStart</c> checks run) and Orleans' configuration
/// validators run. <see cref="Problems"/> lists what failed, and every variable no code read.
/// </summary>
public sealed class BoundApp : IAsyncDisposable
{
    /// <summary>The variables Orleans' Kubernetes hosting reads from the process environment, not from configuration.</summary>
    public static IReadOnlyList<string> KubernetesHostingVariables { get; } =
    [
        KubernetesHostingOptions.PodNameEnvironmentVariable, KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
        KubernetesHostingOptions.PodIPEnvironmentVariable, KubernetesHostingOptions.ClusterIdEnvironmentVariable,
        KubernetesHostingOptions.ServiceIdEnvironmentVariable,
    ];

    private readonly List<string> _problems = [];

    private BoundApp(AppEntryPoint entryPoint, IReadOnlyDictionary<string, string> environment)
    {
        var source = new RecordingConfigurationSource(EnvironmentVariableKeys.Configuration(environment));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = entryPoint.AssemblyName, EnvironmentName = Environments.Production });
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(source);
        Services = builder.Services;
        try
        {
            entryPoint.Configure(builder);
            builder.Services.AddSingleton<IPostConfigureOptions<KubernetesHostingOptions>>(new KubernetesHostingEnvironment(environment));
            App = entryPoint.Map(builder.Build());
        }
        catch (Exception e)
        {
            _problems.Add($"the set-up failed: {Describe(e)}");
            return;
        }

        ResolveValidatedOptions();
        RunOrleansValidators();
        var fromProcessEnvironment = UsesKubernetesHosting ? KubernetesHostingVariables : [];
        _problems.AddRange(environment.Keys
            .Where(name => !fromProcessEnvironment.Contains(name) && !EnvironmentVariableKeys.Of(name).Any(source.WasRead))
            .Select(name => $"{name} ({string.Join(" or ", EnvironmentVariableKeys.Of(name))}) is read by no code of {entryPoint.AssemblyName}"));
    }

    /// <summary>The built app, or null when the set-up failed.</summary>
    public WebApplication? App { get; }

    /// <summary>The app's registrations.</summary>
    public IServiceCollection Services { get; }

    /// <summary>What failed, each naming the key or option.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Whether the app hosts a silo (standalone or co-hosted).</summary>
    public bool HostsSilo => Services.Any(d => d.ServiceType == typeof(ILocalSiloDetails));

    /// <summary>Whether the app runs under Orleans' Kubernetes hosting.</summary>
    public bool UsesKubernetesHosting => Services.Any(d => d.ServiceType == typeof(KubernetesClusterAgent) || d.ImplementationType == typeof(KubernetesClusterAgent));

    /// <summary>The built app's services; fails when the set-up failed.</summary>
    public IServiceProvider Provider => App?.Services ?? throw new InvalidOperationException(string.Join("; ", Problems));

    /// <summary>The validated options of type <typeparamref name="T"/>.</summary>
    public T Options<T>() where T : class => Provider.GetRequiredService<IOptions<T>>().Value;

    /// <summary>Builds the app of <paramref name="entryPoint"/> with <paramref name="environment"/> as its environment.</summary>
    public static BoundApp Build(AppEntryPoint entryPoint, IReadOnlyDictionary<string, string> environment) => new(entryPoint, environment);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    private void ResolveValidatedOptions()
    {
        var validated = Services.Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
            .Select(t => t.GetGenericArguments()[0])
            .Distinct();
        foreach (var type in validated)
        {
            var options = Provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            try
            {
                _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            }
            catch (TargetInvocationException e)
            {
                _problems.Add($"{type.Name}: {Describe(e.InnerException ?? e)}");
            }
        }

        try
        {
            Provider.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (e is OptionsValidationException or AggregateException or InvalidOperationException)
        {
            _problems.Add($"start-up validation: {Describe(e)}");
        }
    }

    private void RunOrleansValidators()
    {
        IEnumerable<IConfigurationValidator> validators;
        try
        {
            validators = Provider.GetServices<IConfigurationValidator>().ToList();
        }
        catch (Exception e)
        {
            _problems.Add($"Orleans' configuration validators: {Describe(e)}");
            return;
        }

        foreach (var validator in validators)
        {
            try
            {
                validator.ValidateConfiguration();
            }
            catch (Exception e)
            {
                _problems.Add($"{validator.GetType().Name}: {Describe(e)}");
            }
        }
    }

    private static string Describe(Exception e) => e.InnerException is null || e is OptionsValidationException ? e.Message : $"{e.Message} ({Describe(e.InnerException)})";
}
