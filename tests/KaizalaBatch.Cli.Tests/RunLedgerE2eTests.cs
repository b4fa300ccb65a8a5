using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Tests;

/// <summary>The run command end to end against an emulator in this process: what the ledger makes of a second run, a
/// changed template, refused items, and what status, export and dry runs show.</summary>
public sealed class RunLedgerE2eTests
{
    [Fact]
    public async Task A_run_sends_every_item_once_and_a_second_run_sends_nothing()
    {
        await using var scenario = await RunScenario.StartAsync(items: 40);

        var first = await scenario.RunAsync();
        Assert.True(first.ExitCode == 0, first.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after the first run");

        var second = await scenario.RunAsync();
        Assert.True(second.ExitCode == 0, second.AllOutput);
        Assert.Equal(40, scenario.Emulator.Actions.Count);
        Assert.Contains("Nothing to send", second.StdOut);
        var export = await scenario.ExportJsonlAsync();
        Assert.Equal(40, export.Count);
        Assert.All(export, row => Assert.Equal("sent", (string?)row["state"]));
        Assert.Equal(
            scenario.Emulator.Actions.Select(a => a.ReferenceId.ToString()).Order(StringComparer.Ordinal),
            export.Select(r => (string)r["referenceId"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_changed_template_is_reported_and_skipped_and_resend_changed_sends_exactly_those_items()
    {
        await using var scenario = await RunScenario.StartAsync(items: 12);
        Assert.Equal(0, (await scenario.RunAsync()).ExitCode);
        Assert.Equal(12, scenario.Emulator.Actions.Count);

        // Change the title of three sites only.
        scenario.WriteRunFile(title: "{{ if row.site == 'Site 001' || row.site == 'Site 004' || row.site == 'Site 007' }}Updated notice{{ else }}Notice{{ end }} for {{ row.site }}");
        var plan = await scenario.CliAsync("plan");
        Assert.True(plan.ExitCode == 0, plan.AllOutput);
        Assert.Equal(["Survey", "0", "9", "3", "0", "0", "0"], SummaryRow(plan.StdOut, "notice"));

        var skipping = await scenario.RunAsync();
        Assert.True(skipping.ExitCode == 0, skipping.AllOutput);
        Assert.Equal(12, scenario.Emulator.Actions.Count);
        var row = SummaryRow(skipping.StdOut, "notice");
        Assert.Equal(["0", "0", "0", "0", "0", "9", "3", "0"], row); // the last column: left for the next run

        var resend = await scenario.RunAsync("--resend-changed");
        Assert.True(resend.ExitCode == 0, resend.AllOutput);
        var resent = scenario.Emulator.Actions.Skip(12).ToList();
        Assert.Equal(3, resent.Count);
        Assert.All(resent, a => Assert.StartsWith("Updated notice for Site 00", (string?)a.ActionBody["title"], StringComparison.Ordinal));
        Assert.Equal(
            new[] { 1, 4, 7 }.Select(i => scenario.Groups[i]).Order(),
            resent.Select(a => a.GroupId).Order());

        var again = await scenario.RunAsync("--resend-changed");
        Assert.True(again.ExitCode == 0, again.AllOutput);
        Assert.Equal(15, scenario.Emulator.Actions.Count);
    }

    [Fact]
    public async Task Items_refused_with_404_fail_with_exit_1_and_are_sent_by_the_next_run()
    {
        var known = new HashSet<Guid>();
        await using var scenario = await RunScenario.StartAsync(items: 10,
            new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, KnownGroups = known });
        foreach (var group in scenario.Groups.Where((_, i) => i % 3 != 0))
        {
            known.Add(group);
        }

        var first = await scenario.RunAsync();
        Assert.True(first.ExitCode == 1, first.AllOutput);
        Assert.Equal(6, scenario.Emulator.Actions.Count);
        var failed = (await scenario.ExportJsonlAsync()).Where(r => (string?)r["state"] == "failed").ToList();
        Assert.Equal(4, failed.Count);
        Assert.All(failed, r => Assert.Contains("404", (string?)r["lastError"], StringComparison.Ordinal));

        // The service now knows every group (between runs: no request reads the set meanwhile).
        known.UnionWith(scenario.Groups);
        var second = await scenario.RunAsync();
        Assert.True(second.ExitCode == 0, second.AllOutput);
        scenario.AssertEachGroupExactlyOnce("after the retry run");
        Assert.Equal(["4", "0", "0", "0", "0", "6", "0", "0"], SummaryRow(second.StdOut, "notice"));
    }

    [Fact]
    public async Task Status_and_export_show_the_ledger_and_csv_cells_that_look_like_formulas_are_neutralised()
    {
        await using var scenario = await RunScenario.StartAsync(items: 5);
        scenario.WriteRunFile(keyTemplate: "={{ row.site }}");
        Assert.Equal(0, (await scenario.RunAsync()).ExitCode);

        var status = await scenario.CliAsync("status");
        Assert.True(status.ExitCode == 0, status.AllOutput);
        var notice = status.StdOut.Split('\n').Single(l => l.TrimStart().StartsWith("notice", StringComparison.Ordinal));
        Assert.Equal(["5", "0", "0", "0", "0", "5"], notice.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]); // sent, failed, doubt, invalid, not started, total

        var csvPath = Path.Combine(scenario.Folder.Path, "out.csv");
        var csv = await scenario.CliAsync("export", "--format", "csv", "--out", csvPath);
        Assert.True(csv.ExitCode == 0, csv.AllOutput);
        var lines = File.ReadAllLines(csvPath);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("action,key,groupId", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("notice,\"'=Site 00", l, StringComparison.Ordinal));

        // The same on stdout; jsonl keeps the key as it is.
        var stdout = await scenario.CliAsync("export", "--format", "csv");
        Assert.Equal(0, stdout.ExitCode);
        Assert.Equal(5, stdout.StdOut.Split('\n').Count(l => l.StartsWith("notice,\"'=", StringComparison.Ordinal)));
        var jsonl = await scenario.ExportJsonlAsync();
        Assert.Equal(5, jsonl.Count);
        Assert.All(jsonl, r => Assert.StartsWith("=Site", (string?)r["key"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dry_run_writes_nothing_and_only_and_limit_bound_what_is_sent()
    {
        await using var scenario = await RunScenario.StartAsync(items: 9);
        var dry = await scenario.RunAsync("--dry-run");
        Assert.True(dry.ExitCode == 0, dry.AllOutput);
        Assert.False(File.Exists(scenario.LedgerPath));
        Assert.Empty(Directory.GetFiles(scenario.Folder.Path, "*.ledger.db*"));
        Assert.Equal(0, scenario.Emulator.Calls);

        var unknown = await scenario.RunAsync("--only", "nope");
        Assert.True(unknown.ExitCode == 2, unknown.AllOutput);
        Assert.Contains("--only nope", unknown.StdErr);
        Assert.Equal(0, scenario.Emulator.Calls);

        scenario.WriteRunFile(withReminder: true);
        var limited = await scenario.RunAsync("--only", "reminder", "--limit", "4");
        Assert.True(limited.ExitCode == 0, limited.AllOutput);
        Assert.Equal(4, scenario.Emulator.Actions.Count);
        Assert.Equal(4, scenario.Emulator.Actions.Select(a => a.GroupId).Distinct().Count());
        Assert.All(scenario.Emulator.Actions, a => Assert.StartsWith("Reminder for", (string?)a.ActionBody["title"], StringComparison.Ordinal));

        var notices = await scenario.RunAsync("--only", "notice");
        Assert.True(notices.ExitCode == 0, notices.AllOutput);
        Assert.Equal(13, scenario.Emulator.Actions.Count);
        var rest = await scenario.RunAsync("--limit", "100");
        Assert.True(rest.ExitCode == 0, rest.AllOutput);
        Assert.Equal(18, scenario.Emulator.Actions.Count);
        Assert.All(scenario.ActionsPerGroup(), g => Assert.Equal(2, g.Value));
        var status = await scenario.CliAsync("status");
        Assert.Matches(@"reminder\s+9\s+0\s+0\s+0\s+0\s+9", status.StdOut); // sent, failed, doubt, invalid, not started, total
        Assert.Matches(@"notice\s+9\s+0\s+0\s+0\s+0\s+9", status.StdOut);
    }

    /// <summary>The cells of an action's row in the run summary table, after the action name.</summary>
    private static string[] SummaryRow(string stdout, string action) =>
        stdout.Split('\n').Single(l => l.TrimStart().StartsWith(action + " ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
}
