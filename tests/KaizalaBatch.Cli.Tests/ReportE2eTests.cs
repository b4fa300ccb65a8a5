using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KaizalaBatch.Cli.Tests;

/// <summary>The README's example end to end in real processes: run, then report and remind in new processes against the
/// embedded emulator, which finds what was sent in its state file beside the ledger and whose members answer some of it.</summary>
public sealed partial class ReportE2eTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> CopyExample(TempFolder folder)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(CliProcess.RepositoryRoot, "examples", "survey-rollout")).Where(f => !f.Contains(".ledger.db", StringComparison.Ordinal) && !f.EndsWith(".emulator.json", StringComparison.Ordinal) && !f.EndsWith(".html", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }
        var runFile = Path.Combine(folder.Path, "run.yaml");
        var run = await CliProcess.RunAsync(["run", runFile], folder.Path);
        Assert.True(run.ExitCode == 0, run.AllOutput);
        Assert.True(File.Exists(Path.Combine(folder.Path, "q3-safety-survey.ledger.db.emulator.json")), "the embedded emulator kept no state");
        return runFile;
    }

    [Fact]
    public async Task Report_after_run_in_a_new_process_reads_every_sent_item_and_writes_csv_json_and_a_sortable_html_page()
    {
        using var folder = new TempFolder();
        var runFile = await CopyExample(folder);
        string F(string name) => Path.Combine(folder.Path, name);

        var report = await CliProcess.RunAsync(["report", runFile, "--csv", F("r.csv"), "--json", F("r.json"), "--html", F("r.html")], folder.Path);

        Assert.True(report.ExitCode == 0, report.AllOutput);
        Assert.Contains("Reading the responses of 32 items: 32 calls (32 list, 0 Poll details)", report.StdErr, StringComparison.Ordinal);
        Assert.Contains("report: q3-safety-survey", report.StdOut, StringComparison.Ordinal);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(F("r.json"), Ct))!;
        var actions = json["actions"]!.AsArray();
        Assert.Equal(["safety-survey", "manager-follow-up"], actions.Select(a => (string)a!["action"]!));
        Assert.Equal([24, 8], actions.Select(a => (int)a!["itemsSent"]!));
        Assert.Equal(4, actions[0]!["questions"]!.AsArray().Count);

        var rows = (await File.ReadAllLinesAsync(F("r.csv"), Ct)).ToList();
        Assert.StartsWith("action,key,groupId,type,responses,", rows[0], StringComparison.Ordinal);
        Assert.Contains(",site,region,", rows[0], StringComparison.Ordinal);
        Assert.EndsWith(",safety-survey.q4", rows[0], StringComparison.Ordinal); // the Text question's answers
        Assert.Equal(33, rows.Count);
        var responsesPerRow = rows.Skip(1).Select(r => int.Parse(r.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(actions.Sum(a => (int)a!["responses"]!), responsesPerRow.Sum());

        // Chromium sorts the per-group table by responses, most first, as a click on the header would.
        var dom = await PreviewScreenshotTests.Chromium(folder.Path, "--dump-dom", new Uri(F("r.html")).AbsoluteUri + "#sort=-responses");
        Assert.Equal(3, ChartPattern().Matches(dom).Count); // two option questions and the Job's assignments
        var table = dom[dom.IndexOf("id=\"items\"", StringComparison.Ordinal)..];
        var sorted = ItemRowPattern().Matches(table).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(32, sorted.Count);
        Assert.Equal(responsesPerRow.OrderDescending(), sorted);
        Assert.Contains("<th data-column=\"responses\" data-kind=\"number\" title=\"sort\" class=\"desc\">", dom, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(F("r.html"), Ct);
        Assert.DoesNotMatch("<script src|<link |@import|url\\(|@font-face", html);

        var png = F("report.png");
        await PreviewScreenshotTests.Chromium(folder.Path, $"--screenshot={png}", "--window-size=1280,1600", new Uri(F("r.html")).AbsoluteUri);
        var bytes = await File.ReadAllBytesAsync(png, Ct);
        Assert.True(bytes.Length > 10_000, $"the screenshot is only {bytes.Length} bytes");

        var again = await CliProcess.RunAsync(["report", runFile], folder.Path);
        Assert.True(again.ExitCode == 0, again.AllOutput);
        var cost = CostPattern().Match(again.StdOut);
        Assert.True(cost.Success, again.StdOut);
        Assert.Equal("32", cost.Groups[2].Value); // one list call per group and type; details only for counts that changed
    }

    [Fact]
    public async Task Remind_twice_sends_nothing_the_second_time()
    {
        using var folder = new TempFolder();
        var runFile = await CopyExample(folder);

        var first = await CliProcess.RunAsync(["remind", runFile], folder.Path);
        Assert.True(first.ExitCode == 0, first.AllOutput);
        var sent = RemindPattern().Match(first.StdOut);
        Assert.True(sent.Success, first.StdOut);
        Assert.True(int.Parse(sent.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, first.StdOut);

        var second = await CliProcess.RunAsync(["remind", runFile, "--every", "12h"], folder.Path);
        Assert.True(second.ExitCode == 0, second.AllOutput);
        Assert.StartsWith("remind: 0 reminded;", second.StdOut, StringComparison.Ordinal);

        var badEvery = await CliProcess.RunAsync(["remind", runFile, "--every", "soon"], folder.Path);
        Assert.Equal(2, badEvery.ExitCode);
        Assert.Contains("--every must be a duration", badEvery.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_before_any_run_says_so_and_exits_2()
    {
        using var folder = new TempFolder();
        foreach (var name in new[] { "run.yaml", "groups.csv" })
        {
            File.Copy(Path.Combine(CliProcess.RepositoryRoot, "examples", "survey-rollout", name), Path.Combine(folder.Path, name));
        }
        var report = await CliProcess.RunAsync(["report", Path.Combine(folder.Path, "run.yaml")], folder.Path);
        Assert.Equal(2, report.ExitCode);
        Assert.Contains("there is no ledger yet, so nothing was sent", report.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.Path, "q3-safety-survey.ledger.db")));
    }

    [GeneratedRegex("<svg class=\"chart\"")]
    private static partial Regex ChartPattern();

    [GeneratedRegex("<tr[^>]*><td>[^<]*</td><td>[^<]*</td><td class=\"id\">[^<]*</td><td class=\"n\">([0-9]+)</td>")]
    private static partial Regex ItemRowPattern();

    [GeneratedRegex("([0-9]+) calls \\(([0-9]+) list, ([0-9]+) details\\)")]
    private static partial Regex CostPattern();

    [GeneratedRegex("^remind: ([0-9]+) reminded;")]
    private static partial Regex RemindPattern();
}
