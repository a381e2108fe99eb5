using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;

namespace SessionGrains.DeployTests;

/// <summary>
/// An in-memory configuration source that records which keys were read (the binder reads exactly the keys of the
/// properties it binds), so that a key no code reads can be reported.
/// </summary>
public sealed class RecordingConfigurationSource(IReadOnlyDictionary<string, string> data) : IConfigurationSource
{
    private readonly ConcurrentDictionary<string, bool> _read = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether any configuration consumer asked for this key (case-insensitive, like configuration keys).</summary>
    public bool WasRead(string key) => _read.ContainsKey(key);

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(data, _read);

    private sealed class Provider : ConfigurationProvider
    {
        private readonly ConcurrentDictionary<string, bool> _read;

        public Provider(IReadOnlyDictionary<string, string> data, ConcurrentDictionary<string, bool> read)
        {
            _read = read;
            foreach (var (key, value) in data)
            {
                Data[key] = value;
            }
        }

        public override bool TryGet(string key, out string? value)
        {
            _read.TryAdd(key, true);
            return base.TryGet(key, out value);
        }
    }
}
