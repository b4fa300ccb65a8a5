using System.Text.RegularExpressions;

namespace KaizalaBatch.Cli.Tests;

/// <summary>The preview of a second run, made once for the class: <c>run</c> sent 30 groups a Survey and an Image (row 5
/// is invalid), then two sites were renamed (changed) and a group added (new), and <c>plan --html</c> wrote the page.</summary>
public sealed class PreviewRerun : IAsyncLifetime
{
    public TempFolder Folder { get; } = new();

    public string Html => Path.Combine(Folder.Path, "plan.html");

    /// <summary>The page as the CLI wrote it.</summary>
    public string Source { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var runFile = PreviewPage.WriteInputs(Folder, groups: 30);
        var run = await CliProcess.RunAsync(["run", runFile], Folder.Path);
        Assert.True(run.ExitCode == 1, run.AllOutput); // everything sent but row 5's invalid items

        var csv = Path.Combine(Folder.Path, "groups.csv");
        var text = (await File.ReadAllTextAsync(csv, ct))
            .Replace("Site 03,", "Site 03 (moved),", StringComparison.Ordinal)
            .Replace("Site 12,", "Site 12 (moved),", StringComparison.Ordinal);
        await File.WriteAllTextAsync(csv, text + $"{PreviewPage.Group(31)},Store 31,Site 31,24,north.png\n", ct);
        var plan = await CliProcess.RunAsync(["plan", runFile, "--html", Html], Folder.Path);
        Assert.True(plan.ExitCode == 1, plan.AllOutput);
        Source = await File.ReadAllTextAsync(Html, ct);
    }

    public ValueTask DisposeAsync()
    {
        Folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Issue 14 on a page with every kind of card: their order, the filter (in real headless Chromium), thumbnails
/// of local images, and the layout at phone width.</summary>
public sealed partial class PreviewRerunTests(PreviewRerun rerun) : IClassFixture<PreviewRerun>
{
    [Fact]
    public void Cards_come_invalid_first_then_changed_then_new_then_unchanged()
    {
        var cards = PreviewPage.Cards(rerun.Source);

        Assert.Equal(["invalid", "invalid", "changed", "changed", "new", "new", "unchanged", "unchanged"], cards.Select(c => c.State));
        Assert.Equal([1, 1, 2, 2, 1, 1, 27, 27], cards.Select(c => c.Items));
        var changed = cards[2];
        Assert.Equal("site-survey", changed.Action);
        Assert.Contains("Safety check: Site 03 (moved)</td>", changed.Html, StringComparison.Ordinal);
        Assert.Contains("Safety check: Site 12 (moved)</td>", changed.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_filter_shows_the_chosen_actions_and_states_and_without_script_the_page_shows_everything()
    {
        // Without script every card is drawn, and the controls (which need it) are hidden.
        Assert.All(PreviewPage.Cards(rerun.Source), card => Assert.False(card.Hidden));
        Assert.Contains("<form id=\"filter\" class=\"filter\" hidden>", rerun.Source, StringComparison.Ordinal);

        // The address's fragment chooses, as ticking the boxes would; the script shows the controls and hides the rest.
        var url = new Uri(rerun.Html).AbsoluteUri + "#action=site-survey&state=invalid,changed";
        var dom = await PreviewScreenshotTests.Chromium(rerun.Folder.Path, "--dump-dom", url);

        var cards = PreviewPage.Cards(dom);
        Assert.Equal(8, cards.Count);
        Assert.Equal(["invalid site-survey", "changed site-survey"], cards.Where(c => !c.Hidden).Select(c => $"{c.State} {c.Action}"));
        Assert.Contains("<form id=\"filter\" class=\"filter\">", dom, StringComparison.Ordinal);
        // A box for each action and each state the plan has (the DOM shows their markup, not whether they are ticked now).
        Assert.Equal(["action site-survey", "action floor-photo", "state new", "state unchanged", "state changed", "state invalid"],
            CheckboxPattern().Matches(dom).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}"));
        Assert.Contains("Showing 2 of 8 cards (3 items).", dom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_images_are_thumbnails_in_the_page_and_one_over_256_KB_is_named_with_a_note()
    {
        var north = Convert.ToBase64String(await File.ReadAllBytesAsync(Path.Combine(rerun.Folder.Path, "photos", "north.png"), TestContext.Current.CancellationToken));

        var photos = PreviewPage.Cards(rerun.Source).Single(c => c.State == "unchanged" && c.Action == "floor-photo");
        Assert.Contains($"<img class=\"thumb\" src=\"data:image/png;base64,{north}\" alt=\"photos/north.png\">", photos.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"file\">photos/big.png</span> <span class=\"note\">(not shown: 300 KB, the page embeds images up to 256 KB)</span>",
            photos.Html, StringComparison.Ordinal);
        Assert.DoesNotMatch("<script src|<link |@import|url\\(|@font-face|https?://", rerun.Source);
    }

    [Fact]
    public async Task At_phone_width_the_page_does_not_scroll_sideways_and_no_table_cuts_a_column()
    {
        using var folder = new TempFolder();

        var (pageWidth, tableOverflow) = await PreviewPage.WidthsAtPhoneSize(rerun.Html, folder);

        Assert.True(pageWidth <= 375, $"at 375 px the page is {pageWidth} px wide");
        Assert.Equal(0, tableOverflow);
    }

    [GeneratedRegex("<input type=\"checkbox\" name=\"(action|state)\" value=\"([^\"]*)\"")]
    private static partial Regex CheckboxPattern();
}
