using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SessionGrains.Tests.Shared;

namespace SessionGrains.AspNetCore.Tests;

/// <summary>
/// Interop with the real npm package cookie-signature 1.0.7 (what express-session 1.19 signs with), run by node: an
/// express app and a SessionGrains app sharing a secret must accept each other's session cookies.
/// </summary>
[Collection(FrontEndCollection.Name)]
public sealed class CookieSignatureInteropTests(FrontEndCluster cluster)
{
    [Fact]
    public async Task A_cookie_signed_by_cookie_signature_is_accepted_by_the_middleware()
    {
        await using var app = await TestApp.StartAsync(cluster.Grains);
        var created = await app.PostAsync("/set?key=color&value=green");
        var id = await created.Content.ReadAsStringAsync();

        // What express-session sends: encodeURIComponent('s:' + signature.sign(sid, secret)).
        var nodeCookieValue = await NodeCookieSignature.RunAsync(
            "process.stdout.write(encodeURIComponent('s:' + sig.sign(args[0], args[1])))", id, TestApp.Secret);

        var response = await app.GetAsync("/get?key=color", $"connect.sid={nodeCookieValue}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("green", await response.Content.ReadAsStringAsync());
        Assert.Empty(TestApp.SetCookies(response));
        Assert.Equal(TestApp.CookieToSend(created), $"connect.sid={nodeCookieValue}"); // byte-identical cookies
    }

    [Fact]
    public async Task A_cookie_signed_by_cookie_signature_with_an_older_secret_is_accepted_and_re_signed()
    {
        const string current = "the current interop secret, long enough to pass";
        const string older = "the older interop secret, long enough to pass too";
        await using var app = await TestApp.StartAsync(cluster.Grains, o => o.Secrets = [current, older]);
        var id = await (await app.PostAsync("/set?key=color&value=teal")).Content.ReadAsStringAsync();
        var nodeCookieValue = await NodeCookieSignature.RunAsync(
            "process.stdout.write(encodeURIComponent('s:' + sig.sign(args[0], args[1])))", id, older);

        var response = await app.GetAsync("/get?key=color", $"connect.sid={nodeCookieValue}");

        Assert.Equal("teal", await response.Content.ReadAsStringAsync());
        var reissued = Uri.UnescapeDataString(Assert.Single(TestApp.SetCookies(response)).Value.ToString());
        var unsigned = await NodeCookieSignature.RunAsync(
            "process.stdout.write(JSON.stringify(sig.unsign(args[0].slice(2), args[1])))", reissued, current);
        Assert.Equal(JsonSerializer.Serialize(id), unsigned);
    }

    [Fact]
    public async Task Cookie_signature_unsign_accepts_what_our_signer_signs()
    {
        string[] ids = [SessionIdGenerator.NewId(), "apple", "%", "/foo", "a.b.c", "héllo wörld € 😀"];
        var signer = new SessionCookieSigner([TestApp.Secret]);
        var signed = ids.Select(signer.Sign).ToArray();
        Assert.All(signed, s => Assert.StartsWith("s:", s));

        // express-session strips the 's:' prefix, then calls unsign, which answers the id or false.
        var output = await NodeCookieSignature.RunAsync(
            """
            const values = JSON.parse(args[0]);
            process.stdout.write(JSON.stringify(values.map(v => sig.unsign(v.slice(2), args[1]))));
            """,
            JsonSerializer.Serialize(signed), TestApp.Secret);

        var results = JsonSerializer.Deserialize<JsonElement[]>(output)!;
        Assert.Equal(ids.Length, results.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.True(results[i].ValueKind == JsonValueKind.String, $"unsign rejected our '{signed[i]}': {results[i]}");
            Assert.Equal(ids[i], results[i].GetString());
        }
    }

    [Fact]
    public async Task Cookie_signature_unsign_rejects_our_signature_under_another_secret()
    {
        var signed = new SessionCookieSigner([TestApp.Secret]).Sign("apple");

        var output = await NodeCookieSignature.RunAsync(
            "process.stdout.write(JSON.stringify([sig.unsign(args[0].slice(2), args[1]), sig.unsign(args[0].slice(2), args[2])]))",
            signed, "some other secret", TestApp.Secret);

        Assert.Equal("[false,\"apple\"]", output); // the control shows the same call succeeds with the right secret
    }

    [Fact]
    public async Task Our_encoding_matches_encodeURIComponent_and_the_signature_matches_sign()
    {
        string[] values =
        [
            "s:apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU",
            "ABCxyz019-_.!~*'()",
            " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\u007f",
            "é € 😀 ü ß 中文",
        ];
        string[] ids = ["apple", "%", "/foo", "a.b", "é € 😀"];

        var output = await NodeCookieSignature.RunAsync(
            """
            const values = JSON.parse(args[0]), ids = JSON.parse(args[1]);
            process.stdout.write(JSON.stringify({
              encoded: values.map(encodeURIComponent),
              signed: ids.map(id => 's:' + sig.sign(id, args[2])),
            }));
            """,
            JsonSerializer.Serialize(values), JsonSerializer.Serialize(ids), TestApp.Secret);

        using var json = JsonDocument.Parse(output);
        var nodeEncoded = json.RootElement.GetProperty("encoded").EnumerateArray().Select(e => e.GetString()).ToArray();
        var nodeSigned = json.RootElement.GetProperty("signed").EnumerateArray().Select(e => e.GetString()).ToArray();
        var signer = new SessionCookieSigner([TestApp.Secret]);
        Assert.Equal(nodeEncoded, values.Select(SessionCookieCodec.Encode).ToArray());
        Assert.Equal(nodeSigned, ids.Select(signer.Sign).ToArray());
    }

    /// <summary>Installs cookie-signature once into the test output, and runs node scripts that use it.</summary>
    private static class NodeCookieSignature
    {
        private const string Package = "cookie-signature";
        private const string Version = "1.0.7";
        private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);
        private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);
        private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "node-interop");
        private static readonly SemaphoreSlim InstallLock = new(1, 1);
        private static bool _installed;

        private static string PackageDirectory => Path.Combine(Directory, "node_modules", Package);

        /// <summary>
        /// Runs <paramref name="script"/> with node; it sees the package as <c>sig</c> and its arguments as
        /// <c>args</c>. Returns standard output; fails the test on a non-zero exit.
        /// </summary>
        public static async Task<string> RunAsync(string script, params string[] arguments)
        {
            await EnsureInstalledAsync();
            var prelude = $"const sig = require({JsonSerializer.Serialize(PackageDirectory)}); const args = process.argv.slice(1);\n";
            var (exitCode, stdout, stderr) = await RunProcessAsync("node", ["-e", prelude + script, "--", .. arguments], ScriptTimeout);
            Assert.True(exitCode == 0, $"node exited with {exitCode}: {stderr}");
            return stdout;
        }

        private static async Task EnsureInstalledAsync()
        {
            await InstallLock.WaitAsync();
            try
            {
                if (_installed || InstalledVersion() == Version)
                {
                    _installed = true;
                    return;
                }

                System.IO.Directory.CreateDirectory(Directory);
                var (exitCode, stdout, stderr) = await RunProcessAsync(
                    "npm",
                    ["install", "--no-audit", "--no-fund", "--prefix", Directory, $"{Package}@{Version}"],
                    InstallTimeout);
                Assert.True(
                    exitCode == 0 && InstalledVersion() == Version,
                    $"npm install {Package}@{Version} failed (exit {exitCode}, installed version {InstalledVersion() ?? "none"}):\n{stdout}\n{stderr}");
                _installed = true;
            }
            finally
            {
                InstallLock.Release();
            }
        }

        private static string? InstalledVersion()
        {
            var manifest = Path.Combine(PackageDirectory, "package.json");
            if (!File.Exists(manifest))
            {
                return null;
            }

            using var json = JsonDocument.Parse(File.ReadAllText(manifest));
            return json.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
        }

        private static Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(
            string fileName, IEnumerable<string> arguments, TimeSpan timeout)
            => NodeProcess.RunAsync(fileName, arguments, System.IO.Directory.Exists(Directory) ? Directory : AppContext.BaseDirectory, timeout);
    }
}
