using Microsoft.Extensions.Options;
using SessionGrains.Server;

namespace SessionGrains.Hosting;

/// <summary>
/// With Azure Table grain storage, fails silo start-up when <see cref="SessionSiloOptions.MaxSessionBytes"/> exceeds
/// what one table entity holds.
/// </summary>
internal sealed class AzureTableSessionSizeValidator : IValidateOptions<SessionSiloOptions>
{
    /// <summary>The largest MaxSessionBytes that fits an Azure Table entity (~950 KB) after base64 and JSON encoding.</summary>
    public const int MaxSessionBytes = 256 * 1024;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SessionSiloOptions options) => options.MaxSessionBytes <= MaxSessionBytes
        ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail(
            $"SessionGrains:MaxSessionBytes exceeds {MaxSessionBytes}, more than an Azure Table entity holds; use Cluster:GrainStorage=AzureBlob for larger sessions.");
}
