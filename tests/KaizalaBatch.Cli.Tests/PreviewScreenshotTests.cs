using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KaizalaBatch.Cli.Tests;

/// <summary>The HTML preview of every example, opened in real headless Chromium (Debian's package; .ci/run installs it).</summary>
public sealed partial class PreviewScreenshotTests
{
    public static TheoryData<string> Examples => new(
        Directory.GetDirectories(Path.Combine(CliProcess.RepositoryRoot, "examples")).Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Chromium_renders_the_cards_of_the_example_preview(string example)
    {
        using var folder = new TempFolder();
        var html = Path.Combine(folder.Path, example + ".html");
        var runFile = Path.Combine(CliProcess.RepositoryRoot, "examples", example, "run.yaml");
        var plan = await CliProcess.RunAsync(["plan", runFile, "--html", html], folder.Path);
        Assert.True(plan.ExitCode == 0, plan.AllOutput);

        var dom = await Chromium(folder.Path, "--dump-dom", new Uri(html).AbsoluteUri);
        var cards = CardPattern().Matches(dom).Count;
        Assert.True(cards > 0, $"no card in the DOM Chromium built from {html}");
        Assert.Equal(CardPattern().Matches(await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken)).Count, cards);

        var png = Path.Combine(folder.Path, example + ".png");
        await Chromium(folder.Path, $"--screenshot={png}", "--window-size=1280,1600", new Uri(html).AbsoluteUri);
        var bytes = await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken);
        Assert.True(bytes.Length > 10_000, $"screenshot of {example} is only {bytes.Length} bytes");
        Assert.Equal((byte)0x89, bytes[0]);
    }

    /// <summary>Runs headless Chromium. Where it is not installed the calling test is skipped, saying why (a machine with
    /// only the .NET SDK still runs the suite), unless <c>KB_REQUIRE_CHROMIUM=1</c> (set by .ci/run, which installs it):
    /// then a missing Chromium fails the test.</summary>
    internal static async Task<string> Chromium(string workingDirectory, params string[] args)
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("KB_REQUIRE_CHROMIUM") == "1",
                "Chromium is not installed, and KB_REQUIRE_CHROMIUM=1 says it must be: apt-get install chromium");
            Assert.Skip("Chromium is not installed (apt-get install chromium; .ci/run does it): this page test is skipped.");
        }
        var info = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        // The flags a closed network needs: no background connections, no first-run work, a fresh profile.
        foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                     $"--user-data-dir={Path.Combine(workingDirectory, "chromium-profile")}" }.Concat(args))
        {
            info.ArgumentList.Add(flag);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    [GeneratedRegex("<article class=\"card ")]
    private static partial Regex CardPattern();
}
