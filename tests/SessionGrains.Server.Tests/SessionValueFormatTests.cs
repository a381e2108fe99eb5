namespace SessionGrains.Server.Tests;

public sealed class SessionValueFormatTests
{
    [Theory]
    [InlineData(0L, "0")]
    [InlineData(42L, "42")]
    [InlineData(-7L, "-7")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    [InlineData(long.MinValue, "-9223372036854775808")]
    public void Integers_are_decimal_ascii_and_round_trip(long value, string text)
    {
        var bytes = SessionValueFormat.FormatInt64(value);

        Assert.Equal(text, TestData.Text(bytes));
        Assert.True(SessionValueFormat.TryParseInt64(bytes, out var parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(value, System.Text.Json.JsonSerializer.Deserialize<long>(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4 2")]
    [InlineData("42x")]
    [InlineData("9223372036854775808")]
    [InlineData("\"42\"")]
    public void Anything_else_is_not_an_integer(string text)
        => Assert.False(SessionValueFormat.TryParseInt64(TestData.Bytes(text), out _));
}
