using System.Text;

namespace SessionGrains.Server.Tests;

internal static class TestData
{
    public static readonly SessionTimeouts TwentyMinutes = new(TimeSpan.FromMinutes(20));

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public static SessionChangeSet Set(params (string Key, string Value)[] entries)
        => new() { Sets = entries.ToDictionary(e => e.Key, e => Bytes(e.Value)) };
}
