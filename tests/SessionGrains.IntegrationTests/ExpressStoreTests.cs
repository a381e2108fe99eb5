using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using SessionGrains.LocalFarm;
using SessionGrains.Tests.Shared;
using SessionGrains.Web;

namespace SessionGrains.IntegrationTests;

/// <summary>
/// The npm package connect-sessiongrains (src/connect-sessiongrains) against a real host: the demo (co-hosted silo,
/// memory storage) on a Kestrel loopback port, serving both its pages and the session store API. Runs the package's
/// own Node suite (express 5 + express-session 1.19 + the store, one cookie jar across express and the demo) under
/// <c>node --test</c>, and installs the <c>npm pack</c> tarball into a fresh express app as a user would.
/// </summary>
public sealed class ExpressStoreTests(ExpressStoreTests.DemoHost host) : IClassFixture<ExpressStoreTests.DemoHost>
{
    private static readonly TimeSpan NodeSuiteTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_node_suite_passes_against_the_host_and_the_demo()
    {
        var package = await NodePackage.PreparedAsync();

        var files = Directory.EnumerateFiles(Path.Combine(package, "test"), "*.test.js").Select(f => Path.GetRelativePath(package, f)).Order();

        var run = await NodeProcess.RunAsync("node", ["--test", "--test-reporter=spec", .. files], package, NodeSuiteTimeout, host.Environment());

        Assert.True(run.ExitCode == 0, $"node --test exited with {run.ExitCode}:\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains("fail 0", run.Stdout);
    }

    [Fact]
    public async Task The_packed_tarball_installs_into_a_fresh_express_app_that_creates_reads_and_increments_a_session()
    {
        var package = await NodePackage.PreparedAsync();
        var work = Directory.CreateTempSubdirectory("sessiongrains-express-app-").FullName;
        try
        {
            var pack = await NodeProcess.RunAsync("npm", ["pack", "--json", "--pack-destination", work], package, InstallTimeout);
            Assert.True(pack.ExitCode == 0, $"npm pack failed:\n{pack.Stdout}\n{pack.Stderr}");
            var packed = JsonDocument.Parse(pack.Stdout).RootElement[0];
            var tarball = Path.Combine(work, packed.GetProperty("filename").GetString()!);
            var shipped = packed.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["LICENSE", "README.md", "index.d.ts", "index.js", "lib/answer-batch.js", "lib/client.js", "lib/connection.js", "lib/lease-stream.js", "lib/read-cache.js", "lib/store.js", "lib/values.js", "package.json"], shipped);

            var app = Path.Combine(work, "app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "package.json"), """{ "name": "tarball-app", "version": "1.0.0", "private": true }""");
            await File.WriteAllTextAsync(Path.Combine(app, "app.js"), TarballApp);
            var install = await NodeProcess.RunAsync(
                "npm", ["install", "--no-audit", "--no-fund", tarball, "express@5.3.0", "express-session@1.19.0"], app, InstallTimeout);
            Assert.True(install.ExitCode == 0, $"npm install of the tarball failed:\n{install.Stdout}\n{install.Stderr}");

            var run = await NodeProcess.RunAsync("node", ["app.js"], app, TimeSpan.FromMinutes(1), host.Environment());

            Assert.True(run.ExitCode == 0, $"the express app failed ({run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
            using var result = JsonDocument.Parse(run.Stdout);
            Assert.Equal("green", result.RootElement.GetProperty("color").GetString());
            Assert.Equal(3, result.RootElement.GetProperty("count").GetInt32());
            Assert.True(result.RootElement.GetProperty("typesShipped").GetBoolean());

            // The session the app made is the demo's session too: its cookie reads the counter there.
            using var client = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Address, "counter"));
            request.Headers.Add("Cookie", "connect.sid=" + result.RootElement.GetProperty("cookie").GetString());
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("3", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Creates a session (a value), reads it back, increments a counter three times; prints what it saw as JSON.
    private const string TarballApp = """
        'use strict'
        const express = require('express')
        const session = require('express-session')
        const { SessionGrainsStore } = require('connect-sessiongrains')
        const fs = require('node:fs')

        async function main () {
          const cookie = { sameSite: 'lax' }
          const store = new SessionGrainsStore({ url: process.env.SESSIONGRAINS_URL, token: process.env.SESSIONGRAINS_TOKEN, cookie })
          const app = express()
          app.use(session({ secret: process.env.SESSIONGRAINS_SECRET, name: 'connect.sid', resave: false, saveUninitialized: false, cookie, store }))
          app.post('/color', (req, res) => { req.session.color = 'green'; res.send('ok') })
          app.get('/color', (req, res) => res.send(req.session.color))
          app.post('/count', async (req, res, next) => {
            try { res.send(String(await store.increment(req, 'count'))) } catch (err) { next(err) }
          })
          const server = app.listen(0, '127.0.0.1')
          await new Promise(resolve => server.once('listening', resolve))
          const base = `http://127.0.0.1:${server.address().port}`
          let jar = ''
          const call = async (method, path) => {
            const response = await fetch(base + path, { method, headers: jar ? { cookie: jar } : {} })
            const set = response.headers.getSetCookie().find(c => c.startsWith('connect.sid='))
            if (set) jar = set.split(';')[0]
            if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
            return response.text()
          }
          await call('POST', '/color')
          const color = await call('GET', '/color')
          let count
          for (let i = 0; i < 3; i++) count = Number(await call('POST', '/count'))
          const typesShipped = fs.existsSync(require.resolve('connect-sessiongrains').replace(/index\.js$/, 'index.d.ts'))
          process.stdout.write(JSON.stringify({ color, count, cookie: jar.slice('connect.sid='.length), typesShipped }))
          server.close()
          store.close()
        }

        main().catch(err => { console.error(err); process.exit(1) })
        """;

    /// <summary>The demo on Kestrel (co-hosted silo, memory storage) with the session store API mapped.</summary>
    public sealed class DemoHost : IAsyncLifetime
    {
        private KestrelTestApp _demo = null!;

        public string Secret { get; } = "express interop secret, long enough for the validator " + Guid.NewGuid();

        public string Token { get; } = "express-store-test-token-" + Guid.NewGuid().ToString("N");

        public Uri Address => _demo.Address;

        /// <summary>What the Node side reads: the host's root URL (API and demo), the API token, the cookie secret.</summary>
        public Dictionary<string, string> Environment() => new()
        {
            ["SESSIONGRAINS_URL"] = Address.ToString().TrimEnd('/'),
            ["SESSIONGRAINS_ASPNET_URL"] = Address.ToString().TrimEnd('/'),
            ["SESSIONGRAINS_TOKEN"] = Token,
            ["SESSIONGRAINS_SECRET"] = Secret,
        };

        public async Task InitializeAsync()
        {
            var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
            builder.Configuration.AddInMemoryCollection(LoopbackHostConfiguration.Create("express", new Dictionary<string, string?>
            {
                ["Session:Secrets:0"] = Secret,
                ["SessionStoreApi:Tokens:0"] = Token,
            }));
            _demo = await KestrelTestApp.StartAsync(builder.ConfigureDemo().Build().UseDemo());
        }

        public async Task DisposeAsync() => await _demo.DisposeAsync();
    }

    /// <summary>A copy of src/connect-sessiongrains under the test output, with <c>npm ci</c> run once per test run.</summary>
    private static class NodePackage
    {
        private static readonly SemaphoreSlim Lock = new(1, 1);
        private static string? _prepared;

        public static async Task<string> PreparedAsync()
        {
            await Lock.WaitAsync();
            try
            {
                if (_prepared is not null)
                {
                    return _prepared;
                }

                var source = Path.Combine(FarmPaths.FindRepositoryRoot(AppContext.BaseDirectory), "src", "connect-sessiongrains");
                var copy = Path.Combine(AppContext.BaseDirectory, "connect-sessiongrains");
                if (Directory.Exists(copy))
                {
                    Directory.Delete(copy, recursive: true);
                }

                CopyPackage(source, copy);
                var install = await NodeProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], copy, InstallTimeout);
                Assert.True(install.ExitCode == 0, $"npm ci in {copy} failed:\n{install.Stdout}\n{install.Stderr}");
                return _prepared = copy;
            }
            finally
            {
                Lock.Release();
            }
        }

        private static void CopyPackage(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var folder in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) != "node_modules"))
            {
                CopyPackage(folder, Path.Combine(to, Path.GetFileName(folder)));
            }
        }
    }
}
