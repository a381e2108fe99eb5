using System.Text;
using System.Text.Json;

namespace SessionGrains.Testing;

/// <summary>
/// What a session made by a test starts with: values encoded as the app's session API stores them, and the user it
/// is bound to. For "log in as alice" without going through the app's login.
/// </summary>
public sealed class SessionSeed
{
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);

    /// <summary>The user the session is bound to (as <c>GrainSession.BindUserAsync</c> binds it), or null.</summary>
    public string? UserId { get; private set; }

    /// <summary>The values, by key.</summary>
    public IReadOnlyDictionary<string, byte[]> Values => _values;

    /// <summary>Binds the session to <paramref name="userId"/>.</summary>
    public SessionSeed BoundTo(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        UserId = userId;
        return this;
    }

    /// <summary>Stores <paramref name="value"/> as UTF-8, as <c>ISession.SetString</c> does.</summary>
    public SessionSeed SetString(string key, string value) => Set(key, Encoding.UTF8.GetBytes(value));

    /// <summary>Stores <paramref name="value"/> as JSON (System.Text.Json, web defaults), as <c>GrainSession.Set&lt;T&gt;</c> does.</summary>
    public SessionSeed SetJson<T>(string key, T value) => Set(key, JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web));

    /// <summary>Stores raw bytes, as <c>ISession.Set</c> does.</summary>
    public SessionSeed Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _values[key] = value;
        return this;
    }
}
