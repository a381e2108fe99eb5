using System.Text;
using System.Text.Json;

namespace SessionGrains.Testing;

/// <summary>
/// What a live session holds, read back by a test: its values as the app stored them, and its user binding and expiry.
/// Values read here as the app reads them: <c>HttpContext.Session.GetString</c> (UTF-8) or <c>GrainSession.Get&lt;T&gt;</c>
/// (System.Text.Json, web defaults).
/// </summary>
public sealed class SessionContents(SessionSnapshot snapshot)
{
    /// <summary>Every key and its value bytes.</summary>
    public IReadOnlyDictionary<string, byte[]> Data { get; } = snapshot.Data;

    /// <summary>The user the session is bound to, or null.</summary>
    public string? UserId => snapshot.User?.UserId;

    /// <summary>When the session expires unless accessed again, in the cluster's session time.</summary>
    public DateTimeOffset ExpiresAt => snapshot.ExpiresAt;

    /// <summary>The value of <paramref name="key"/> as a UTF-8 string (as <c>ISession.SetString</c> stores it); null when absent.</summary>
    public string? GetString(string key) => Data.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The value of <paramref name="key"/> as JSON (as <c>GrainSession.Set&lt;T&gt;</c> and <c>IncrementAsync</c> store it); default when absent.</summary>
    public T? Get<T>(string key) => Data.TryGetValue(key, out var bytes) ? JsonSerializer.Deserialize<T>(bytes, JsonSerializerOptions.Web) : default;
}
