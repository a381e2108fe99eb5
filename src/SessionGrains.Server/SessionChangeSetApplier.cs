using System.Text;

namespace SessionGrains.Server;

/// <summary>Applies a change set to a copy of a session's data and checks the limits on the result.</summary>
internal static class SessionChangeSetApplier
{
    /// <summary>
    /// Builds the data that results from applying <paramref name="changes"/> to <paramref name="current"/>, leaving
    /// <paramref name="current"/> untouched. Returns <see cref="SessionWriteStatus.Succeeded"/> with the new data, or the
    /// reason for refusing the whole change set.
    /// </summary>
    public static SessionWriteStatus TryApply(
        IReadOnlyDictionary<string, byte[]> current,
        SessionChangeSet changes,
        SessionGrainOptions limits,
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

    private static SessionWriteStatus ValidateSets(SessionChangeSet changes, SessionGrainOptions limits, out string? error)
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

    /// <summary>The size that counts against <see cref="SessionGrainOptions.MaxSessionBytes"/>: UTF-8 key bytes plus value bytes.</summary>
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
