using System.Text;

namespace SessionGrains.Server;

/// <summary>Applies a change set to a copy of a session's data and checks the limits on the result.</summary>
internal static class SessionChangeSetApplier
{
    /// <summary>
    /// The change set that adds <paramref name="delta"/> to the integer under <paramref name="key"/> in
    /// <paramref name="current"/> (a missing key counts as 0), in <see cref="SessionValueFormat"/>'s integer format; false
    /// with the reason when the stored value is not an integer or the sum overflows.
    /// </summary>
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

    /// <summary>
    /// Applies <paramref name="changes"/> to <paramref name="current"/> into <paramref name="data"/> (see
    /// <see cref="TryApply"/>), or logs and answers why not.
    /// </summary>
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

    /// <summary>
    /// Builds the data that results from applying <paramref name="changes"/> to <paramref name="current"/>, leaving
    /// <paramref name="current"/> untouched. Returns <see cref="SessionWriteStatus.Succeeded"/> with the new data, or the
    /// reason for refusing the whole change set.
    /// </summary>
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
        foreach (var (key, value) in changes.Sets ?? [])
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

    /// <summary>The size that counts against <see cref="SessionSiloOptions.MaxSessionBytes"/>: UTF-8 key bytes plus value bytes.</summary>
    public static long SizeOf(IReadOnlyDictionary<string, byte[]> data)
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
