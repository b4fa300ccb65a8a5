using System.Text.Json;
using System.Xml.Linq;
using KaizalaBatch.Emulator;

namespace KaizalaBatch.Cli.Tests;

/// <summary>Issue 14 through the real process: plan says what changed and run how to send it; JSON on stdout that a pipe
/// reads alone; a JUnit report for CI; the failed items and their reasons in one place at the end of a run.</summary>
public sealed class MachineOutputE2eTests
{
    [Fact]
    public async Task Plan_shows_what_changed_field_by_field_and_run_says_how_to_send_the_changed_items()
    {
        await using var scenario = await RunScenario.StartAsync(items: 6);
        Assert.Equal(0, (await scenario.RunAsync()).ExitCode);
        scenario.WriteRunFile(title: "{{ if row.site == 'Site 001' || row.site == 'Site 004' }}Updated notice{{ else }}Notice{{ end }} for {{ row.site }}");
        // Two more groups: the next run has something to send besides the changed items it skips.
        File.AppendAllText(Path.Combine(scenario.Folder.Path, "groups.csv"), $"{Guid.NewGuid()},Site 100\n{Guid.NewGuid()},Site 101\n");

        var plan = await scenario.CliAsync("plan");
        Assert.True(plan.ExitCode == 0, plan.AllOutput);
        Assert.Contains("changed since sent: 2 items; `run --resend-changed` sends them.", plan.StdOut);
        Assert.Contains($"  notice/{scenario.Groups[1]} (group {scenario.Groups[1]}):", plan.StdOut);
        Assert.Contains("    /title: \"Notice for Site 001\" -> \"Updated notice for Site 001\"", plan.StdOut);
        Assert.Contains("    /title: \"Notice for Site 004\" -> \"Updated notice for Site 004\"", plan.StdOut);

        var json = await scenario.CliAsync("plan", "--json", "-");
        Assert.True(json.ExitCode == 0, json.AllOutput);
        using (var document = JsonDocument.Parse(json.StdOut))
        {
            var changed = document.RootElement.GetProperty("items").EnumerateArray()
                .Where(i => i.GetProperty("state").GetString() == "changed").ToList();
            Assert.Equal(2, changed.Count);
            Assert.All(changed, i =>
            {
                var change = Assert.Single(i.GetProperty("changes").EnumerateArray());
                Assert.Equal("/title", change.GetProperty("path").GetString());
                Assert.StartsWith("Updated notice for Site 00", change.GetProperty("after").GetString(), StringComparison.Ordinal);
            });
        }

        var run = await scenario.RunAsync();
        Assert.True(run.ExitCode == 0, run.AllOutput);
        Assert.Equal(8, scenario.Emulator.Actions.Count);
        Assert.Contains("2 items changed since sent were not sent: --resend-changed sends them (`plan` shows what changed).", run.StdOut);
    }

    [Fact]
    public async Task Plan_and_status_json_on_stdout_are_json_alone_and_their_tables_go_elsewhere()
    {
        await using var scenario = await RunScenario.StartAsync(items: 5);
        var plan = await scenario.CliAsync("plan", "--json", "-");
        Assert.True(plan.ExitCode == 0, plan.AllOutput);
        using (var document = JsonDocument.Parse(plan.StdOut))
        {
            Assert.Equal(5, document.RootElement.GetProperty("items").GetArrayLength());
            Assert.Equal(5, document.RootElement.GetProperty("summary").GetProperty("notice").GetProperty("new").GetInt32());
        }
        Assert.Contains("plan: e2e (nothing sent)", plan.StdErr);

        Assert.Equal(0, (await scenario.RunAsync("--limit", "3")).ExitCode);
        var status = await scenario.CliAsync("status", "--json", "-");
        Assert.True(status.ExitCode == 0, status.AllOutput);
        using (var document = JsonDocument.Parse(status.StdOut))
        {
            var root = document.RootElement;
            Assert.Equal("e2e", root.GetProperty("run").GetString());
            Assert.Equal(scenario.LedgerPath, root.GetProperty("ledger").GetString());
            Assert.Equal(3, root.GetProperty("actions").GetProperty("notice").GetProperty("sent").GetInt32());
            Assert.Equal(3, root.GetProperty("total").GetProperty("total").GetInt32());
        }

        // To a file, the table stays on stdout.
        var file = Path.Combine(scenario.Folder.Path, "status.json");
        var toFile = await scenario.CliAsync("status", "--json", file);
        Assert.True(toFile.ExitCode == 0, toFile.AllOutput);
        Assert.Matches(@"notice\s+3\s+0\s+0\s+0\s+\d+\s+\d+", toFile.StdOut);
        using var written = JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal(3, written.RootElement.GetProperty("total").GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task Run_writes_a_junit_case_per_item_with_each_failure_s_reason_and_lists_the_failed_items_at_the_end()
    {
        var known = new HashSet<Guid>();
        await using var scenario = await RunScenario.StartAsync(items: 30, new EmulatorOptions { PerMinute = 0, TenantPerMinute = 0, KnownGroups = known });
        known.UnionWith(scenario.Groups.Take(6)); // the other 24 are refused: 404

        var junit = Path.Combine(scenario.Folder.Path, "junit.xml");
        var run = await scenario.RunAsync("--junit", junit);
        Assert.True(run.ExitCode == 1, run.AllOutput);
        Assert.Equal(6, scenario.Emulator.Actions.Count);

        var report = XDocument.Load(junit).Root!;
        Assert.Equal("testsuites", report.Name.LocalName);
        var suite = Assert.Single(report.Elements("testsuite"));
        Assert.Equal("notice", (string?)suite.Attribute("name"));
        Assert.Equal("30", (string?)suite.Attribute("tests"));
        Assert.Equal("24", (string?)suite.Attribute("failures"));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(30, cases.Count);
        Assert.All(cases, c => Assert.Equal("notice", (string?)c.Attribute("classname")));
        Assert.Equal(
            scenario.Groups.Take(6).Select(g => g.ToString()).Order(StringComparer.Ordinal),
            cases.Where(c => !c.HasElements).Select(c => (string)c.Attribute("name")!).Order(StringComparer.Ordinal));
        var failures = cases.Select(c => c.Element("failure")).OfType<XElement>().ToList();
        Assert.Equal(24, failures.Count);
        Assert.All(failures, f => Assert.Contains("404", (string?)f.Attribute("message"), StringComparison.Ordinal));

        // After the summary table, in one place: the first 20 with their reasons, then how many more.
        var lines = run.StdOut.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var heading = lines.IndexOf("24 items failed or stayed in doubt:");
        Assert.True(heading > lines.FindIndex(l => l.TrimStart().StartsWith("notice ", StringComparison.Ordinal)), run.StdOut);
        var listed = lines.Skip(heading + 1).TakeWhile(l => l.StartsWith("  notice/", StringComparison.Ordinal)).ToList();
        Assert.Equal(20, listed.Count);
        Assert.All(listed, l => Assert.Matches(@"^  notice/\S+ \(group \S+\): failed: .*404", l));
        Assert.Equal("  and 4 more: `export` lists all.", lines[heading + 21]);
    }
}
