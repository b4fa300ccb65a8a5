using KaizalaBatch.Diagnostics;
using KaizalaBatch.Ledger;

namespace KaizalaBatch.UseCases.Tests;

/// <summary>A run keeps its check pass's items for the send pass: a first run creates its ledger with the check pass's
/// <c>run.startedAt</c>, so what it sends is what every later run renders.</summary>
public sealed class CheckedItemsTests : IDisposable
{
    private readonly Workspace _work = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _work.Dispose();

    /// <summary>A clock a second later at every look: any two reads of it differ in the seconds run.startedAt shows.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _reads;

        public override DateTimeOffset GetUtcNow() =>
            new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero) + TimeSpan.FromSeconds(Interlocked.Increment(ref _reads));
    }

    [Fact]
    public async Task A_run_sends_the_items_it_checked_and_a_later_run_renders_them_alike()
    {
        _work.Edit("title: \"{{ vars.quarter }} safety check: {{ row.site }}\"", "title: \"{{ vars.quarter }} safety check: {{ row.site }} ({{ run.startedAt }})\"");
        var host = _work.Host with { Time = new SteppingClock() };

        // A first run of 5: its ledger is created with the check pass's run.startedAt, so the checked items are sent.
        var first = await RunUseCase.ExecuteAsync(_work.RunFile, new RunRequest(Limit: 5), host, new DiagnosticBag(), null, Ct, Ct);
        Assert.Equal(ExitCodes.Done, first.ExitCode);
        Assert.Equal(5, first.Summary!.Sent);
        Assert.False(first.RenderedAgain);
        // The rest: checked against the ledger, with its run.startedAt, and sent as checked.
        var rest = await RunUseCase.ExecuteAsync(_work.RunFile, new RunRequest(), host, new DiagnosticBag(), null, Ct, Ct);
        Assert.Equal(ExitCodes.Done, rest.ExitCode);
        Assert.False(rest.RenderedAgain);

        DateTimeOffset created;
        using (var ledger = Ledgers.Open(first.Run!.LedgerPath, LedgerMode.ReadOnly))
        {
            created = ledger.CreatedAt!.Value;
        }
        var stamp = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var surveys = _work.Emulators.Started.SelectMany(e => e.Actions).Where(a => a.ActionType == "Survey").ToList();
        Assert.NotEmpty(surveys);
        Assert.All(surveys, a => Assert.EndsWith($"({stamp})", (string)a.ActionBody["title"]!, StringComparison.Ordinal));

        var again = await RunUseCase.ExecuteAsync(_work.RunFile, new RunRequest(), host, new DiagnosticBag(), null, Ct, Ct);
        Assert.Equal(ExitCodes.Done, again.ExitCode);
        Assert.Null(again.Summary);
        Assert.Equal(first.Check!.Items, again.Check!.Plan.Totals.Unchanged);
    }
}
