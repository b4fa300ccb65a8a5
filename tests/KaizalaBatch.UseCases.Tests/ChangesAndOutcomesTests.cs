using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.Sending;

namespace KaizalaBatch.UseCases.Tests;

/// <summary>Issue 14: what changed since an item was sent (from the body the ledger kept), and output for machines: the
/// JSON plan's diffs, status as JSON, a JUnit report with a case per item, the failed items with their reasons.</summary>
public sealed class ChangesAndOutcomesTests : IDisposable
{
    private readonly Workspace _work = new();

    public void Dispose() => _work.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RunResult> RunAsync(Workspace work, RunRequest? request = null) =>
        RunUseCase.ExecuteAsync(work.RunFile, request ?? new RunRequest(), work.Host, new DiagnosticBag(), null, Ct, Ct);

    private static Task<PlanResult> PlanAsync(Workspace work, OutputTarget? json = null) =>
        PlanUseCase.ExecuteAsync(work.RunFile, new PlanRequest(json), work.Host, new DiagnosticBag(), Ct);

    [Fact]
    public async Task Plan_shows_field_by_field_what_changed_in_the_first_items_and_the_json_plan_in_every_changed_item()
    {
        Assert.Equal(ExitCodes.Done, (await RunAsync(_work)).ExitCode);
        _work.Edit("Is the fire exit at", "Is every fire exit at");

        var jsonPath = Path.Combine(_work.Folder, "plan.json");
        var plan = await PlanAsync(_work, OutputTarget.File(jsonPath));
        Assert.Equal(ExitCodes.Done, plan.ExitCode);
        var changed = plan.Pass!.Plan.Totals.Changed;
        Assert.Equal(24, changed);
        Assert.Equal(PlanUseCase.ChangesShown, plan.Changes.Count);
        Assert.All(plan.Changes, item =>
        {
            var field = Assert.Single(item.Fields!);
            Assert.Equal("/questions/0/title", field.Path);
            Assert.Equal(FieldChangeKind.Changed, field.Kind);
            Assert.StartsWith("Is the fire exit at ", (string?)field.Before, StringComparison.Ordinal);
            Assert.StartsWith("Is every fire exit at ", (string?)field.After, StringComparison.Ordinal);
            Assert.Null(item.NotKept);
        });

        var items = JsonNode.Parse(File.ReadAllText(jsonPath))!["items"]!.AsArray();
        var withChanges = items.Where(i => (string?)i!["state"] == "changed").ToList();
        Assert.Equal(changed, withChanges.Count);
        Assert.All(withChanges, i =>
        {
            var change = Assert.Single(i!["changes"]!.AsArray());
            Assert.Equal("/questions/0/title", (string?)change!["path"]);
            Assert.Equal("changed", (string?)change["change"]);
            Assert.StartsWith("Is the fire exit at", (string?)change["before"], StringComparison.Ordinal);
        });
        Assert.All(items.Where(i => (string?)i!["state"] != "changed"), i => Assert.Null(i!["changes"]));
    }

    [Fact]
    public async Task With_keepPayloads_false_the_ledger_keeps_no_body_and_plan_says_so_instead_of_a_diff()
    {
        _work.Edit("name: q3-safety-survey", "name: q3-safety-survey\nkeepPayloads: false");
        var run = await RunAsync(_work);
        Assert.Equal(ExitCodes.Done, run.ExitCode);
        using (var ledger = Ledgers.Open(run.Run!.LedgerPath, LedgerMode.ReadOnly))
        {
            var records = ledger.Export().ToList();
            Assert.Equal(run.Summary!.Sent, records.Count);
            Assert.All(records, r => Assert.Null(ledger.FindSentBody(r.Action, r.Key)));
        }

        _work.Edit("Is the fire exit at", "Is every fire exit at");
        var plan = await PlanAsync(_work);
        Assert.Equal(24, plan.Pass!.Plan.Totals.Changed);
        Assert.Equal(PlanUseCase.ChangesShown, plan.Changes.Count);
        Assert.All(plan.Changes, item =>
        {
            Assert.Null(item.Fields);
            Assert.Equal(SentChanges.NoBodyKept, item.NotKept);
        });
    }

    [Fact]
    public async Task A_media_field_counts_as_changed_only_when_its_file_content_changed()
    {
        using var work = new Workspace("media-broadcast");
        var first = await RunAsync(work);
        Assert.Equal(ExitCodes.Done, first.ExitCode);

        // A caption changes everywhere; one zone's floor plan gets new content under the same name.
        work.Edit("Safety handbook, {{ row.zone }} zone edition", "Safety handbook {{ row.zone }}");
        var photo = Path.Combine(work.Folder, "photos", "north.png");
        File.WriteAllBytes(photo, [.. File.ReadAllBytes(photo), 0]);

        var jsonPath = Path.Combine(work.Folder, "plan.json");
        var plan = await PlanAsync(work, OutputTarget.File(jsonPath));
        Assert.Equal(ExitCodes.Done, plan.ExitCode);
        var changed = JsonNode.Parse(File.ReadAllText(jsonPath))!["items"]!.AsArray()
            .Where(i => (string?)i!["state"] == "changed")
            .ToDictionary(i => $"{i!["action"]}/{i["payload"]!["actionBody"]!["caption"]}", i => i!["changes"]!.AsArray());

        // The handbook: the caption changed, the same PDF is not shown as a change.
        var handbooks = changed.Where(c => c.Key.StartsWith("handbook/", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, handbooks.Count);
        Assert.All(handbooks, h => Assert.Equal(["/caption"], h.Value.Select(c => (string?)c!["path"])));
        // The floor plan: only north's changed, and only its mediaResource: the uploaded one against the new file.
        var floorPlan = Assert.Single(changed, c => c.Key.StartsWith("floor-plan/", StringComparison.Ordinal));
        var media = Assert.Single(floorPlan.Value);
        Assert.Equal("/mediaResource", (string?)media!["path"]);
        Assert.Equal(JsonValueKind.String, media["before"]!.GetValueKind());
        Assert.Equal("photos/north.png", (string?)media["after"]!["file"]);
    }

    [Fact]
    public async Task A_run_lists_the_first_failures_with_their_reasons_and_writes_a_junit_case_for_every_item()
    {
        _work.Emulators.KnownGroups = new HashSet<Guid>(); // every post is refused: 404
        var junitPath = Path.Combine(_work.Folder, "junit.xml");
        var run = await RunAsync(_work, new RunRequest { JUnit = OutputTarget.File(junitPath) });
        Assert.Equal(ExitCodes.SomeItemsFailed, run.ExitCode);
        var failed = run.Summary!.Failed;
        Assert.True(failed > RunResult.FailuresListed, $"{failed} failed");
        Assert.Equal(RunResult.FailuresListed, run.Failures.Count);
        Assert.All(run.Failures, f =>
        {
            Assert.Equal(ItemResult.Failed, f.Result);
            Assert.Contains("404", f.Reason, StringComparison.Ordinal);
        });

        var report = XDocument.Load(junitPath).Root!;
        Assert.Equal("testsuites", report.Name.LocalName);
        Assert.Equal(failed.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)report.Attribute("failures"));
        Assert.Equal(["manager-follow-up", "safety-survey"], report.Elements("testsuite").Select(s => (string?)s.Attribute("name")).Order());
        var cases = report.Descendants("testcase").ToList();
        Assert.Equal(run.Check!.Items, cases.Count);
        Assert.All(cases, c =>
        {
            var failure = c.Element("failure");
            Assert.NotNull(failure);
            Assert.Equal("failed", (string?)failure.Attribute("type"));
            Assert.Contains("404", (string?)failure.Attribute("message"), StringComparison.Ordinal);
            Assert.Equal((string?)c.Parent!.Attribute("name"), (string?)c.Attribute("classname"));
        });
    }

    [Fact]
    public async Task The_junit_report_passes_sent_items_and_skips_those_the_plan_passed_by_saying_why()
    {
        Assert.Equal(ExitCodes.Done, (await RunAsync(_work, new RunRequest(Only: new HashSet<string> { "manager-follow-up" }))).ExitCode);
        _work.Edit("Send the {{ vars.quarter }} safety photos", "Please send the {{ vars.quarter }} safety photos");

        var junitPath = Path.Combine(_work.Folder, "junit.xml");
        var run = await RunAsync(_work, new RunRequest(Limit: 10) { JUnit = OutputTarget.File(junitPath) });
        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Equal(10, run.Summary!.Sent);
        Assert.Empty(run.Failures);

        var cases = XDocument.Load(junitPath).Descendants("testcase").ToList();
        Assert.Equal(run.Check!.Items, cases.Count);
        Assert.Equal(10, cases.Count(c => !c.HasElements));
        var skipped = cases.Select(c => c.Element("skipped")).OfType<XElement>().Select(s => (string?)s.Attribute("message")).ToList();
        Assert.Equal(8, skipped.Count(m => m!.Contains("--resend-changed", StringComparison.Ordinal)));
        Assert.Equal(run.Check.Items - 18, skipped.Count(m => m!.Contains("--limit", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Status_writes_the_counts_per_action_and_state_as_json()
    {
        var jsonPath = Path.Combine(_work.Folder, "status.json");
        var before = LedgerUseCases.Status(_work.RunFile, _work.Host, new DiagnosticBag(), OutputTarget.File(jsonPath));
        Assert.Equal(ExitCodes.Done, before.ExitCode);
        var empty = JsonNode.Parse(File.ReadAllText(jsonPath))!;
        Assert.Null((string?)empty["ledger"]);
        Assert.Equal(["safety-survey", "manager-follow-up"], empty["actions"]!.AsObject().Select(a => a.Key));
        Assert.Equal(0, (int)empty["total"]!["total"]!);

        var run = await RunAsync(_work, new RunRequest(Limit: 5));
        var status = LedgerUseCases.Status(_work.RunFile, _work.Host, new DiagnosticBag(), OutputTarget.File(jsonPath));
        Assert.Equal(ExitCodes.Done, status.ExitCode);
        var json = JsonNode.Parse(File.ReadAllText(jsonPath))!;
        Assert.Equal(run.Run!.LedgerPath, (string?)json["ledger"]);
        Assert.Equal(5, (int)json["actions"]!["safety-survey"]!["sent"]!);
        Assert.Equal(0, (int)json["actions"]!["manager-follow-up"]!["total"]!);
        Assert.Equal(5, (int)json["total"]!["sent"]!);
        Assert.Equal(0, (int)json["total"]!["in-doubt"]!);
    }
}
