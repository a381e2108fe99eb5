using Microsoft.Playwright;

namespace SessionGrains.Tests.Browser;

/// <summary>Debian's Chromium for browser tests, headless, driven by Playwright: never a downloaded browser.</summary>
public static class TestChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>Starts Playwright's driver and launches the browser; dispose both.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = Args, Timeout = 60_000 });
        return (playwright, browser);
    }
}
