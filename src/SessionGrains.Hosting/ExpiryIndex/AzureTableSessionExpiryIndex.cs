using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using SessionGrains.Server;

namespace SessionGrains.Hosting;

/// <summary>
/// The expiry index of Azure Table and Azure Blob grain storage: one table, a partition per service, kind and shard
/// ("{ServiceId}_{s|u}_{shard}"), a row per entry whose RowKey is its due time in UTC ticks (19 digits) then the escaped
/// key, so a range query on RowKey reads a shard's due entries earliest first. A move is one same-partition transaction
/// (delete the old row, upsert the new), which Azure applies atomically.
/// </summary>
/// <remarks>
/// Keys are escaped reversibly: the characters Azure forbids in keys (<c>/ \ # ?</c> and control characters), <c>%</c>
/// (point operations carry keys in URLs) and the escape character <c>~</c> become <c>~XX</c> (hex of the UTF-16 code
/// unit). The '_' after the due time needs no escaping: the due time has a fixed width. A key whose RowKey would pass
/// the 1 KiB limit is shortened to a prefix, <c>~~</c> and its SHA-256, and the row keeps the whole key in its
/// <see cref="KeyProperty"/>.
/// </remarks>
internal sealed class AzureTableSessionExpiryIndex : ISessionExpiryIndex
{
    /// <summary>The table's default name, beside Orleans' own tables in the storage account.</summary>
    public const string DefaultTableName = "SessionGrainsExpiry";

    /// <summary>The property that holds the key of a row whose RowKey holds only a shortened key.</summary>
    public const string KeyProperty = "Key";

    private const int MaxKeyChars = 512; // 1 KiB of UTF-16
    private const int DueTicksLength = 19;
    private const int KeyStart = DueTicksLength + 1;
    private const char Escape = '~';
    private const string LongKeyMarker = "~~"; // never in an escaped key: every '~' there is followed by hex digits
    private const int HashLength = 64;

    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "/\\#?%~" + string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)));

    private readonly TableClient _table;
    private readonly string _partitionPrefix;
    private Task? _creatingTable;

    public AzureTableSessionExpiryIndex(TableServiceClient service, string serviceId, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        _table = service.GetTableClient(tableName);
        _partitionPrefix = EscapeKey(serviceId) + "_";
        if (PartitionKey(SessionExpiryEntryKind.UserIndex, int.MinValue).Length > MaxKeyChars)
        {
            throw new ArgumentException("The service ID is too long for an Azure Table partition key.", nameof(serviceId));
        }
    }

    public async Task SetAsync(SessionExpiryEntry entry, DateTimeOffset? previousDueAt, CancellationToken cancellationToken = default)
    {
        var dueAt = entry.DueAt ?? throw new ArgumentException("An entry to set needs its due time.", nameof(entry));
        await EnsureTableAsync(cancellationToken);
        var partition = PartitionKey(entry.Kind, entry.Shard);
        var row = new TableEntity(partition, RowKey(dueAt, entry.Key, out var shortened));
        if (shortened)
        {
            row[KeyProperty] = entry.Key; // the RowKey holds a prefix: the row keeps the whole key
        }

        // Equal due times name one row: a transaction may not touch a row twice, and the upsert alone is the move.
        if (previousDueAt is { } previous && previous.UtcTicks != dueAt.UtcTicks)
        {
            var old = new TableEntity(partition, RowKey(previous, entry.Key));
            try
            {
                await _table.SubmitTransactionAsync(
                    [new(TableTransactionActionType.Delete, old, ETag.All), new(TableTransactionActionType.UpsertReplace, row)], cancellationToken);
                return;
            }
            catch (TableTransactionFailedException exception) when (exception.Status == 404)
            {
                // The old row is gone already (a retried move): the new row is all that is left to write.
            }
        }

        await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task RemoveAsync(SessionExpiryEntry entry, CancellationToken cancellationToken = default)
    {
        if (entry.DueAt is not { } dueAt)
        {
            return; // the row is found by due time; left alone, it comes due and its check removes it
        }

        await EnsureTableAsync(cancellationToken);
        try
        {
            await _table.DeleteEntityAsync(PartitionKey(entry.Kind, entry.Shard), RowKey(dueAt, entry.Key), ETag.All, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Removed already (a repeated removal); the SDK mostly reports this without throwing.
        }
    }

    public async Task<IReadOnlyList<SessionExpiryEntry>> ReadDueAsync(
        SessionExpiryEntryKind kind, int shard, DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await EnsureTableAsync(cancellationToken);
        var partition = PartitionKey(kind, shard);
        var below = DueTicks(dueBy.UtcTicks + 1);
        var query = _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {below}"),
            select: ["RowKey", KeyProperty], cancellationToken: cancellationToken);
        var due = new List<SessionExpiryEntry>(Math.Min(limit, 1000));
        // Usually one page; a page cut short by the service (a continuation token) is followed until the limit.
        await foreach (var page in query.AsPages(pageSizeHint: Math.Min(limit, 1000)))
        {
            foreach (var row in page.Values)
            {
                due.Add(new(kind, shard, KeyOf(row), DueAtOf(row.RowKey)));
                if (due.Count == limit)
                {
                    return due;
                }
            }
        }

        return due;
    }

    /// <summary>The key an index row stands for.</summary>
    internal static string KeyOf(TableEntity row)
        => row.GetString(KeyProperty) is { } whole ? whole : UnescapeKey(row.RowKey[KeyStart..]);

    /// <summary>The partition key of <paramref name="kind"/> and <paramref name="shard"/> in this service.</summary>
    internal string PartitionKey(SessionExpiryEntryKind kind, int shard)
        => _partitionPrefix + KindToken(kind) + "_" + shard.ToString(CultureInfo.InvariantCulture);

    /// <summary>The RowKey of <paramref name="key"/>'s entry due at <paramref name="dueAt"/>.</summary>
    internal static string RowKey(DateTimeOffset dueAt, string key) => RowKey(dueAt, key, out _);

    private static string RowKey(DateTimeOffset dueAt, string key, out bool shortened)
    {
        var rowKey = DueTicks(dueAt.UtcTicks) + "_" + EscapeKey(key);
        shortened = rowKey.Length > MaxKeyChars;
        if (!shortened)
        {
            return rowKey;
        }

        var prefix = MaxKeyChars - LongKeyMarker.Length - HashLength;
        if (char.IsHighSurrogate(rowKey[prefix - 1]))
        {
            prefix--; // never split a surrogate pair: a lone half is not valid text
        }

        return string.Concat(rowKey.AsSpan(0, prefix), LongKeyMarker, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
    }

    /// <summary><paramref name="key"/> with the characters Azure forbids in keys, '%' and '~' as "~XX".</summary>
    internal static string EscapeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.AsSpan().ContainsAny(Escaped))
        {
            return key;
        }

        var escaped = new StringBuilder(key.Length + 8);
        foreach (var c in key)
        {
            if (Escaped.Contains(c))
            {
                escaped.Append(Escape).Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>The inverse of <see cref="EscapeKey"/>.</summary>
    internal static string UnescapeKey(string escaped)
    {
        var escape = escaped.IndexOf(Escape, StringComparison.Ordinal);
        if (escape < 0)
        {
            return escaped;
        }

        var key = new StringBuilder(escaped.Length);
        key.Append(escaped, 0, escape);
        for (var i = escape; i < escaped.Length; i++)
        {
            if (escaped[i] == Escape)
            {
                key.Append((char)int.Parse(escaped.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                key.Append(escaped[i]);
            }
        }

        return key.ToString();
    }

    private static string KindToken(SessionExpiryEntryKind kind) => kind switch
    {
        SessionExpiryEntryKind.Session => "s",
        SessionExpiryEntryKind.UserIndex => "u",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No partition token for this kind."),
    };

    private static string DueTicks(long utcTicks) => utcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private static DateTimeOffset DueAtOf(string rowKey)
        => new(long.Parse(rowKey.AsSpan(0, DueTicksLength), NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);

    /// <summary>Creates the table if missing, once per index object; a failed attempt is retried by the next call.</summary>
    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var creating = _creatingTable;
        if (creating is null || creating.IsFaulted || creating.IsCanceled)
        {
            creating = _creatingTable = _table.CreateIfNotExistsAsync(CancellationToken.None);
        }

        return creating.IsCompletedSuccessfully ? Task.CompletedTask : creating.WaitAsync(cancellationToken);
    }
}
