namespace SessionGrains;

/// <summary>
/// Changes to apply to a session as one unit. The grain applies <see cref="Clear"/> first, then
/// <see cref="Removals"/>, then <see cref="Sets"/>, so a key both removed and set ends up set.
/// </summary>
[GenerateSerializer]
[Alias("SessionGrains.SessionChangeSet")]
public sealed class SessionChangeSet
{
    /// <summary>Removes every key before the other changes are applied.</summary>
    [Id(0)] public bool Clear { get; set; }

    /// <summary>Keys to remove.</summary>
    [Id(1)] public List<string>? Removals { get; set; }

    /// <summary>Keys to add or replace, with their values.</summary>
    [Id(2)] public Dictionary<string, byte[]>? Sets { get; set; }

    /// <summary>Whether applying the change set also counts as an access (slides the idle expiry). Defaults to true.</summary>
    [Id(3)] public bool Touch { get; set; } = true;

    /// <summary>True when the change set changes data.</summary>
    public bool HasDataChanges => Clear || Removals is { Count: > 0 } || Sets is { Count: > 0 };

    /// <summary>The data that results from applying this change set to <paramref name="data"/>, which stays untouched.</summary>
    public Dictionary<string, byte[]> ApplyTo(IReadOnlyDictionary<string, byte[]> data)
    {
        var result = Clear ? new Dictionary<string, byte[]>(StringComparer.Ordinal) : new Dictionary<string, byte[]>(data, StringComparer.Ordinal);
        if (Removals is not null)
        {
            foreach (var key in Removals)
            {
                if (key is not null)
                {
                    result.Remove(key);
                }
            }
        }

        if (Sets is not null)
        {
            foreach (var (key, value) in Sets)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
