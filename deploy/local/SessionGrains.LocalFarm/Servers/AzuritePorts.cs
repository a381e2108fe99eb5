namespace SessionGrains.LocalFarm;

/// <summary>Azurite's blob, queue and table ports.</summary>
internal sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    /// <summary>Blob on <paramref name="first"/>, queue +1, table +2 (the farm's layout).</summary>
    public static AzuritePorts From(int first) => new(first, first + 1, first + 2);

    public IReadOnlyList<int> All => [Blob, Queue, Table];
}
