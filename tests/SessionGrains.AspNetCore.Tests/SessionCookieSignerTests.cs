using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// The cookie wire format against express-session's and cookie-signature's own test vectors, the verification rules
/// (last '.', every secret, the secret's index), and the Cookie header codec (jshttp/cookie, encodeURIComponent).
/// </summary>
public sealed class SessionCookieSignerTests
{
    private const string KeyboardCat = "keyboard cat";
    private const string AppleValue = "s:apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU";

    private static readonly SessionCookieSigner Signer = new([KeyboardCat]);

    // ---- express-session / cookie-signature vectors ----

    [Theory]
    [InlineData("apple", "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU")]
    [InlineData("%", "s%3A%25.kzQ6x52kKVdF35Qh62AWk4ZekS28K5XYCXKa%2FOTZ01g")]
    [InlineData("/foo", "s%3A%2Ffoo.paEKBtAHbV5s1IB8B2zPnzAgYmmnRPIqObW4VRYj%2FMQ")]
    public void Express_session_cookie_values_are_reproduced_byte_for_byte(string sessionId, string expectedCookieValue)
    {
        Assert.Equal(expectedCookieValue, SessionCookieCodec.Encode(Signer.Sign(sessionId)));
    }

    [Theory]
    [InlineData("apple", "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU")]
    [InlineData("%", "s%3A%25.kzQ6x52kKVdF35Qh62AWk4ZekS28K5XYCXKa%2FOTZ01g")]
    [InlineData("/foo", "s%3A%2Ffoo.paEKBtAHbV5s1IB8B2zPnzAgYmmnRPIqObW4VRYj%2FMQ")]
    public void Express_session_cookie_values_verify_to_their_session_id(string expectedId, string cookieValue)
    {
        var values = SessionCookieCodec.ReadAll([$"connect.sid={cookieValue}"], "connect.sid");

        var value = Assert.Single(values);
        Assert.True(Signer.TryUnsign(value, out var id, out var secretIndex));
        Assert.Equal(expectedId, id);
        Assert.Equal(0, secretIndex);
    }

    [Fact]
    public void Cookie_signature_readme_vector_is_reproduced_after_the_s_prefix()
    {
        var signed = new SessionCookieSigner(["tobiiscool"]).Sign("hello");

        Assert.StartsWith("s:", signed);
        Assert.Equal("hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI", signed["s:".Length..]);
    }

    [Theory]
    [InlineData("apple")]
    [InlineData("a.b.c")]
    [InlineData("")]
    [InlineData("héllo wörld €")]
    [InlineData("Z3Jhbm9sYS1zZXNzaW9uLWlkLTMyY2hhcnM")]
    public void Signature_is_unpadded_standard_base64_of_hmac_sha256_over_the_utf8_id(string sessionId)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(KeyboardCat), Encoding.UTF8.GetBytes(sessionId));
        var expected = "s:" + sessionId + "." + Convert.ToBase64String(mac).TrimEnd('=');

        Assert.Equal(expected, Signer.Sign(sessionId));
    }

    // ---- verification ----

    [Theory]
    [InlineData("apple")]
    [InlineData("%")]
    [InlineData("/foo")]
    [InlineData("IbtDC8Kf6sH0a1ZbB3Zb-gAbT_9xyzQw")]
    [InlineData("héllo wörld €")]
    public void Signed_values_round_trip(string sessionId)
    {
        Assert.True(Signer.TryUnsign(Signer.Sign(sessionId), out var id, out var secretIndex));
        Assert.Equal(sessionId, id);
        Assert.Equal(0, secretIndex);
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("a.b.c")]
    [InlineData("session.")]
    [InlineData(".leading")]
    [InlineData("a.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU")]
    public void Ids_containing_dots_are_split_at_the_last_dot(string sessionId)
    {
        var signed = Signer.Sign(sessionId);

        Assert.True(Signer.TryUnsign(signed, out var id, out _));
        Assert.Equal(sessionId, id);
    }

    [Fact]
    public void The_signature_covers_the_whole_id_including_its_dots()
    {
        // "a.b" signed must not be readable as id "a" with some other signature, nor can "a"'s signature be reused for "a.b".
        var signedA = Signer.Sign("a");
        var signatureOfA = signedA[(signedA.LastIndexOf('.') + 1)..];

        Assert.False(Signer.TryUnsign("s:a.b." + signatureOfA, out _, out _));
        Assert.NotEqual(Signer.Sign("a.b")[^43..], signatureOfA);
    }

    public static TheoryData<string, string> RejectedValues()
    {
        var signature = AppleValue[(AppleValue.LastIndexOf('.') + 1)..];
        var otherSecret = new SessionCookieSigner(["keyboard dog"]).Sign("apple");
        var emptyIdSignature = Convert.ToBase64String(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(KeyboardCat), Array.Empty<byte>())).TrimEnd('=');
        var flipped = (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
        return new TheoryData<string, string>
        {
            { "missing s: prefix", "apple." + signature },
            { "upper-case S: prefix", "S:apple." + signature },
            { "prefix after a space", " s:apple." + signature },
            { "unsigned id", "apple" },
            { "s: prefix without a signature", "s:apple" },
            { "empty signature", "s:apple." },
            { "wrong signature (first character changed)", "s:apple." + flipped },
            { "wrong signature (last character changed)", "s:apple." + signature[..^1] + (signature[^1] == 'U' ? 'V' : 'U') },
            { "truncated signature", "s:apple." + signature[..^1] },
            { "signature cut in half", "s:apple." + signature[..21] },
            { "signature with base64 padding", "s:apple." + signature + "=" },
            { "signature with a trailing character", "s:apple." + signature + "A" },
            { "signature of another secret", otherSecret },
            { "signature of another id", "s:apples." + signature },
            { "signature in base64url alphabet", "s:apple." + signature.Replace('+', '-').Replace('/', '_') },
            { "still URL-encoded", SessionCookieCodec.Encode(AppleValue) },
            { "empty id with its valid signature", "s:." + emptyIdSignature },
            { "empty", "" },
            { "prefix only", "s:" },
            { "dot only", "s:." },
        };
    }

    [Theory]
    [MemberData(nameof(RejectedValues))]
    public void Values_that_do_not_verify_are_rejected(string why, string value)
    {
        Assert.True(Signer.TryUnsign(AppleValue, out _, out _), "the unmodified vector must verify"); // the baseline

        var verified = Signer.TryUnsign(value, out var id, out var secretIndex);

        Assert.False(verified, $"{why}: '{value}' verified as '{id}'");
        Assert.Equal(string.Empty, id);
        Assert.Equal(-1, secretIndex);
    }

    // ---- several secrets (rotation) ----

    [Fact]
    public void With_several_secrets_the_first_one_signs()
    {
        var rotating = new SessionCookieSigner(["new secret", "old secret"]);

        Assert.Equal(new SessionCookieSigner(["new secret"]).Sign("apple"), rotating.Sign("apple"));
        Assert.NotEqual(new SessionCookieSigner(["old secret"]).Sign("apple"), rotating.Sign("apple"));
    }

    [Theory]
    [InlineData("newest secret", 0)]
    [InlineData("older secret", 1)]
    [InlineData("oldest secret", 2)]
    public void With_several_secrets_any_verifies_and_reports_which(string signingSecret, int expectedIndex)
    {
        var rotating = new SessionCookieSigner(["newest secret", "older secret", "oldest secret"]);
        var value = new SessionCookieSigner([signingSecret]).Sign("IbtDC8Kf6sH0a1ZbB3Zb-gAbT_9xyzQw");

        Assert.True(rotating.TryUnsign(value, out var id, out var secretIndex));
        Assert.Equal("IbtDC8Kf6sH0a1ZbB3Zb-gAbT_9xyzQw", id);
        Assert.Equal(expectedIndex, secretIndex);
    }

    [Fact]
    public void With_several_secrets_a_value_of_a_retired_secret_is_rejected()
    {
        var rotating = new SessionCookieSigner(["new secret", "old secret"]);
        var retired = new SessionCookieSigner(["retired secret"]).Sign("apple");

        Assert.False(rotating.TryUnsign(retired, out _, out _));
    }

    [Fact]
    public void A_signer_needs_at_least_one_non_empty_secret()
    {
        Assert.Throws<ArgumentException>(() => new SessionCookieSigner(Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => new SessionCookieSigner(["good secret", ""]));
    }

    // ---- Cookie header parsing (jshttp/cookie as express uses it) ----

    [Fact]
    public void ReadAll_returns_every_cookie_of_the_name_in_header_order_and_ignores_other_names()
    {
        var values = SessionCookieCodec.ReadAll(
            ["theme=dark; connect.sid=first; connect.sidx=no; xconnect.sid=no", null, "lang=en;connect.sid=second ;  connect.sid = third"],
            "connect.sid");

        Assert.Equal(["first", "second", "third"], values);
    }

    [Fact]
    public void ReadAll_returns_nothing_when_the_cookie_is_absent()
    {
        Assert.Empty(SessionCookieCodec.ReadAll(["theme=dark; lang=en", "connect.sid"], "connect.sid"));
        Assert.Empty(SessionCookieCodec.ReadAll([], "connect.sid"));
    }

    [Fact]
    public void ReadAll_is_case_sensitive_about_the_name()
    {
        Assert.Empty(SessionCookieCodec.ReadAll(["Connect.Sid=s%3Aa.b; CONNECT.SID=x"], "connect.sid"));
    }

    [Fact]
    public void ReadAll_unquotes_quoted_values_before_decoding()
    {
        var values = SessionCookieCodec.ReadAll(
            ["connect.sid=\"s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU\"; connect.sid=\"plain\""],
            "connect.sid");

        Assert.Equal([AppleValue, "plain"], values);
    }

    [Fact]
    public void ReadAll_keeps_the_value_after_the_first_equals_sign()
    {
        Assert.Equal(["a=b=c"], SessionCookieCodec.ReadAll(["connect.sid=a=b=c"], "connect.sid"));
    }

    [Theory]
    [InlineData("s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU", AppleValue)]
    [InlineData("s:apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU", AppleValue)] // no '%': taken as it is, '+' stays '+'
    [InlineData("a+b", "a+b")]
    [InlineData("a%2Bb", "a+b")]
    [InlineData("%C3%A9t%C3%A9", "été")]
    [InlineData("100%25", "100%")]
    [InlineData("%zz", "%zz")] // a malformed escape is left as it is (express: tryDecode returns the raw value)
    [InlineData("%zz%41", "%zz%41")] // one malformed escape leaves the whole value raw
    [InlineData("%4", "%4")]
    public void Values_are_percent_decoded_only_when_they_contain_a_percent_sign(string raw, string expected)
    {
        Assert.Equal([expected], SessionCookieCodec.ReadAll([$"connect.sid={raw}"], "connect.sid"));
    }

    // ---- encodeURIComponent ----

    [Fact]
    public void Encode_leaves_the_characters_encodeURIComponent_leaves_alone()
    {
        const string unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()";

        Assert.Equal(unreserved, SessionCookieCodec.Encode(unreserved));
    }

    [Theory]
    [InlineData(":", "%3A")]
    [InlineData("/", "%2F")]
    [InlineData("+", "%2B")]
    [InlineData("%", "%25")]
    [InlineData(" ", "%20")]
    [InlineData("=", "%3D")]
    [InlineData(";", "%3B")]
    [InlineData(",", "%2C")]
    [InlineData("\"", "%22")]
    [InlineData("\\", "%5C")]
    [InlineData("?#&@$[]{}|^`<>", "%3F%23%26%40%24%5B%5D%7B%7D%7C%5E%60%3C%3E")]
    [InlineData("\t\n\u007f", "%09%0A%7F")]
    [InlineData("é", "%C3%A9")]
    [InlineData("€", "%E2%82%AC")]
    [InlineData("😀", "%F0%9F%98%80")]
    [InlineData("s:a b/c+d", "s%3Aa%20b%2Fc%2Bd")]
    public void Encode_percent_encodes_everything_else_as_upper_case_utf8_bytes(string value, string expected)
    {
        Assert.Equal(expected, SessionCookieCodec.Encode(value));
    }

    [Theory]
    [InlineData("s:apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU")]
    [InlineData("héllo wörld € 😀 ; = % +")]
    public void Encoded_values_decode_back_through_ReadAll(string value)
    {
        Assert.Equal([value], SessionCookieCodec.ReadAll([$"connect.sid={SessionCookieCodec.Encode(value)}"], "connect.sid"));
    }
}
