using KaizalaBatch.Diagnostics;
using KaizalaBatch.Reports;

namespace KaizalaBatch.UseCases.Tests;

/// <summary>The survey example with a pool of two connectors and one store pinned to a connector, run, exported and
/// reported through the use cases: each item goes through one connector, the ledger says which, and the report reads each
/// item back through the connector that sent it.</summary>
public sealed class ConnectorPoolUseCaseTests : IDisposable
{
    private readonly Workspace _work = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ConnectorPoolUseCaseTests()
    {
        _work.Edit("  emulator: true", """
              emulator: true
              connectors:
                - { name: north, applicationId: app-north }
                - { name: south, applicationId: app-south }
            """);
        _work.Edit("      file: groups.csv\n", "      file: groups.csv\n      connector: via\n");
        var csv = File.ReadAllLines(Path.Combine(_work.Folder, "groups.csv"));
        // The first store is pinned to south; the others are free.
        File.WriteAllLines(Path.Combine(_work.Folder, "groups.csv"),
            [csv[0] + ",via", csv[1] + ",south", .. csv.Skip(2).Select(line => line + ",")]);
        Pinned = csv[1].Split(',')[0];
    }

    private string Pinned { get; }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Items_spread_over_the_pool_the_pinned_one_goes_through_its_connector_and_reports_read_back_through_the_sender()
    {
        var run = await RunUseCase.ExecuteAsync(_work.RunFile, new RunRequest(), _work.Host, new DiagnosticBag(), null, Ct, Ct);
        Assert.Equal(ExitCodes.Done, run.ExitCode);
        var actions = Assert.Single(_work.Emulators.Started).Actions;
        Assert.Equal(run.Summary!.Sent, actions.Count);
        Assert.All(actions.Where(a => a.GroupId.ToString("D") == Pinned), a => Assert.Equal("app-south", a.Connector));
        Assert.Equal(["app-north", "app-south"], actions.Select(a => a.Connector).Distinct().Order());

        var export = Path.Combine(_work.Folder, "ledger.jsonl");
        Assert.Equal(ExitCodes.Done, LedgerUseCases.Export(_work.RunFile, ExportFormat.Jsonl, OutputTarget.File(export), _work.Host, new DiagnosticBag()).ExitCode);
        var lines = File.ReadAllLines(export).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        var sentBy = actions.ToDictionary(a => a.ReferenceId.ToString(), a => a.Connector);
        Assert.All(lines, l => Assert.Equal(sentBy[(string)l["referenceId"]!], "app-" + (string)l["connector"]!));

        _work.Emulators.Calls.Clear();
        var report = await ReadBackUseCases.ReportAsync(_work.RunFile, new ReportRequest(), _work.Host, new DiagnosticBag(), null, Ct);
        Assert.Equal(ExitCodes.Done, report.ExitCode);
        Assert.Contains(report.Report!.Actions, a => a.Responses > 0);
        // Every read of a group was made by the connector that sent to it.
        var readers = _work.Emulators.Calls.Where(c => c.Contains(" GET ", StringComparison.Ordinal) && c.Contains("/groups/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(readers);
        var sentTo = actions.GroupBy(a => a.GroupId.ToString("D")).ToDictionary(g => g.Key, g => g.Select(a => a.Connector).ToHashSet());
        Assert.All(readers, call =>
        {
            var group = call.Split("/groups/")[1][..36];
            var by = call.Split(" by ")[1].Split(' ')[0];
            Assert.Contains(by, sentTo[group]);
        });
    }
}
