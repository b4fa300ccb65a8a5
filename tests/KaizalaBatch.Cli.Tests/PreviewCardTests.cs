namespace KaizalaBatch.Cli.Tests;

/// <summary>Issue 14 through the real CLI: <c>plan --html</c> draws items that differ only in templated values as one card
/// with a row per item, invalid items first, with group names where the CSV has them.</summary>
public sealed class PreviewCardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(CliResult Plan, string Html)> PlanAsync(TempFolder folder, string runFile)
    {
        var html = Path.Combine(folder.Path, "plan.html");
        var plan = await CliProcess.RunAsync(["plan", runFile, "--html", html], folder.Path);
        return (plan, File.Exists(html) ? await File.ReadAllTextAsync(html, Ct) : "");
    }

    [Fact]
    public async Task Thirty_groups_make_one_card_per_action_with_a_row_per_item_and_the_invalid_items_come_first()
    {
        using var folder = new TempFolder();
        var (plan, html) = await PlanAsync(folder, PreviewPage.WriteInputs(folder, groups: 30));
        Assert.True(plan.ExitCode == 1, plan.AllOutput); // row 5 is invalid

        var cards = PreviewPage.Cards(html);
        Assert.Equal(["invalid site-survey", "invalid floor-photo", "new site-survey", "new floor-photo"], cards.Select(c => $"{c.State} {c.Action}"));
        var invalid = cards[0];
        Assert.Equal((1, 1), (invalid.Items, invalid.DrawnRows));
        Assert.Contains("the group id &#39;not-a-guid&#39; is not a GUID", invalid.Html, StringComparison.Ordinal);

        var survey = cards[2];
        Assert.Equal((29, 29), (survey.Items, survey.DrawnRows));
        // Only what the templates fill in varies; the questions' fixed texts and options stay in the card, once.
        Assert.Equal(["/title", "/dueDate", "/questions/0/title"], PreviewPage.Pointers(survey));
        foreach (var row in Enumerable.Range(1, 30).Where(r => r != 5))
        {
            Assert.Contains($"Safety check: Site {row:D2}</td>", survey.Html, StringComparison.Ordinal);
            Assert.Contains(PreviewPage.Group(row), survey.Html, StringComparison.Ordinal);
        }
        Assert.Single(AllIndexes(survey.Html, "How many staff were trained?"));
        Assert.Contains("<mark class=\"varies\"", survey.Html, StringComparison.Ordinal);

        var photos = cards[3];
        Assert.Equal((29, 29), (photos.Items, photos.DrawnRows));
        Assert.Equal(["/mediaResource", "/caption"], PreviewPage.Pointers(photos));
    }

    [Fact]
    public async Task A_card_draws_200_rows_and_counts_the_rest()
    {
        using var folder = new TempFolder();
        var (plan, html) = await PlanAsync(folder, PreviewPage.WriteInputs(folder, groups: 240));
        Assert.True(plan.ExitCode == 1, plan.AllOutput);

        var survey = PreviewPage.Cards(html).Single(c => c.State == "new" && c.Action == "site-survey");
        Assert.Equal((239, 200), (survey.Items, survey.DrawnRows));
        Assert.Contains("39 more items of this card are counted but not drawn.", survey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#action=site-survey&amp;state=new\">239</a>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("groupName")]
    [InlineData("group_name")]
    [InlineData("name")]
    public async Task Group_names_from_the_csv_stand_beside_the_group_ids(string column)
    {
        using var folder = new TempFolder();
        var (plan, html) = await PlanAsync(folder, PreviewPage.WriteInputs(folder, groups: 6, nameColumn: column));
        Assert.True(plan.ExitCode == 1, plan.AllOutput);

        var survey = PreviewPage.Cards(html).Single(c => c.State == "new" && c.Action == "site-survey");
        foreach (var row in new[] { 1, 2, 3, 4, 6 })
        {
            Assert.Contains($"<span class=\"gname\">Store {row:D2}</span> <span class=\"gid\">{PreviewPage.Group(row)}</span>", survey.Html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_a_name_column_the_group_ids_stand_alone()
    {
        using var folder = new TempFolder();
        var runFile = PreviewPage.WriteInputs(folder, groups: 6, nameColumn: "store");
        var (plan, html) = await PlanAsync(folder, runFile);
        Assert.True(plan.ExitCode == 1, plan.AllOutput);

        Assert.DoesNotContain("class=\"gname\"", html, StringComparison.Ordinal);
        Assert.Contains($"<span class=\"gid\">{PreviewPage.Group(1)}</span>", html, StringComparison.Ordinal);
    }

    private static List<int> AllIndexes(string text, string value)
    {
        var found = new List<int>();
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            found.Add(at);
        }
        return found;
    }
}
