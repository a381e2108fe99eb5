using System.Text;

namespace SessionGrains.Server;

/// <summary>Applies a change set to a copy of a session's data and checks the limits on the result.</summary>
internal static class SessionChangeSetApplier
{
    /// <summary>The change set that adds <paramref name="delta"/> to the integer under <paramref name="key"/> (missing counts as 0); false when not an integer or on overflow.</summary>
    public static bool TryMakeIncrement(
        IReadOnlyDictionary<string, byte[]> current, string key, long delta, out SessionChangeSet changes, out long next, out string? error)
    {
        changes = new SessionChangeSet();
        next = 0;
        long value = 0;
        if (current.TryGetValue(key, out var bytes) && !SessionValueFormat.TryParseInt64(bytes, out value))
        {
            error = $"The value of key '{key}' is not an integer.";
            return false;
        }

        if (delta > 0 ? value > long.MaxValue - delta : value < long.MinValue - delta)
        {
            error = $"Adding {delta} to {value} overflows a 64-bit integer.";
            return false;
        }

        next = value + delta;
        changes = new SessionChangeSet { Sets = new() { [key] = SessionValueFormat.FormatInt64(next) } };
        error = null;
        return true;
    }

    /// <summary><see cref="TryApply"/>, logging and answering a refusal; null when applied.</summary>
    public static SessionWriteResult? TryApplyOrRefuse(
        IReadOnlyDictionary<string, byte[]> current, SessionChangeSet changes, SessionSiloOptions limits, SessionGrainLog log, out Dictionary<string, byte[]> data)
    {
        var status = TryApply(current, changes, limits, out data, out var error);
        if (status == SessionWriteStatus.Succeeded)
        {
            return null;
        }

        log.ChangeRefused(error);
        return new(status, Error: error);
    }

    /// <summary>The new data in <paramref name="result"/>, <paramref name="current"/> untouched; or why the whole change set is refused.</summary>
    public static SessionWriteStatus TryApply(
        IReadOnlyDictionary<string, byte[]> current,
        SessionChangeSet changes,
        SessionSiloOptions limits,
        out Dictionary<string, byte[]> result,
        out string? error)
    {
        var status = ValidateSets(changes, limits, out error);
        if (status != SessionWriteStatus.Succeeded)
        {
            result = [];
            return status;
        }

        result = changes.ApplyTo(current);
        if (result.Count > limits.MaxKeys)
        {
            error = $"The session would hold {result.Count} keys; the limit is {limits.MaxKeys}.";
            return SessionWriteStatus.LimitExceeded;
        }

        var bytes = SizeOf(result);
        if (bytes > limits.MaxSessionBytes)
        {
            error = $"The session would hold {bytes} bytes; the limit is {limits.MaxSessionBytes}.";
            return SessionWriteStatus.LimitExceeded;
        }

        return SessionWriteStatus.Succeeded;
    }

    private static SessionWriteStatus ValidateSets(SessionChangeSet changes, SessionSiloOptions limits, out string? error)
    {
        error = null;
        if (changes.Sets is null)
        {
            return SessionWriteStatus.Succeeded;
        }

        foreach (var (key, value) in changes.Sets)
        {
            if (value is null)
            {
                error = $"The value of key '{Truncate(key)}' is null.";
                return SessionWriteStatus.InvalidRequest;
            }

            if (key.Length > limits.MaxKeyLength)
            {
                error = $"Key '{Truncate(key)}' has {key.Length} characters; the limit is {limits.MaxKeyLength}.";
                return SessionWriteStatus.LimitExceeded;
            }
        }

        return SessionWriteStatus.Succeeded;
    }

    /// <summary>What counts against <see cref="SessionSiloOptions.MaxSessionBytes"/>.</summary>
    public static long SizeOf(Dictionary<string, byte[]> data)
    {
        long bytes = 0;
        foreach (var (key, value) in data)
        {
            bytes += Encoding.UTF8.GetByteCount(key) + value.Length;
        }

        return bytes;
    }

    private static string Truncate(string key) => key.Length <= 32 ? key : key[..32] + "…";
}
