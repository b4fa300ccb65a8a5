using KaizalaBatch.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.Responses;

namespace KaizalaBatch.UseCases.Tests;

/// <summary>Every use case reached as a library call, without argv or a process: a typed result with its exit code, the
/// diagnostics in a bag, the emulator as the witness.</summary>
public sealed class UseCaseTests : IDisposable
{
    private readonly Workspace _work = new();

    public void Dispose() => _work.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<RunResult> RunAsync(RunRequest? request = null, DiagnosticBag? bag = null) =>
        RunUseCase.ExecuteAsync(_work.RunFile, request ?? new RunRequest(), _work.Host, bag ?? new DiagnosticBag(), null, Ct, Ct);

    [Fact]
    public void Validate_counts_the_items_and_exits_0()
    {
        var bag = new DiagnosticBag();
        var result = ValidateUseCase.Execute(_work.RunFile, _work.Host, bag, Ct);
        Assert.Equal(ExitCodes.Done, result.ExitCode);
        Assert.Equal("q3-safety-survey", result.Run!.Name);
        Assert.True(result.Items > 24, $"{result.Items} items");
        Assert.Equal(0, result.InvalidItems);
        Assert.Equal(0, bag.Errors);
    }

    [Fact]
    public void Validate_puts_a_template_mistake_in_the_bag_with_its_place_and_exits_2()
    {
        File.WriteAllText(_work.RunFile, File.ReadAllText(_work.RunFile).Replace("{{ row.site }}\"", "{{ row.sight }}\"", StringComparison.Ordinal));
        var bag = new DiagnosticBag();
        var result = ValidateUseCase.Execute(_work.RunFile, _work.Host, bag, Ct);
        Assert.Equal(ExitCodes.InputUnusable, result.ExitCode);
        var errors = bag.Kept.Where(d => d.Severity == Severity.Error).ToList();
        Assert.Equal(2, errors.Count); // both places that name row.sight, each at its own line
        Assert.All(errors, error =>
        {
            Assert.Equal(_work.RunFile, error.Location.File);
            Assert.NotNull(error.Location.Line);
            Assert.Equal(DiagnosticCodes.TemplateUnknownName, error.Code);
            Assert.Contains("'sight'", error.Message, StringComparison.Ordinal);
        });
        Assert.NotEqual(errors[0].Location.Line, errors[1].Location.Line);
        Assert.Empty(_work.Emulators.Started);
    }

    [Fact]
    public async Task Plan_writes_nothing_to_the_ledger_and_sends_nothing_then_run_sends_each_item_once()
    {
        var plan = await PlanUseCase.ExecuteAsync(_work.RunFile, new PlanRequest(Json: OutputTarget.File(Path.Combine(_work.Folder, "plan.json"))), _work.Host,
            new DiagnosticBag(), Ct);
        Assert.Equal(ExitCodes.Done, plan.ExitCode);
        var items = plan.Pass!.Items;
        Assert.Equal(items, plan.Pass.Plan.Totals.New);
        Assert.False(File.Exists(plan.Run!.LedgerPath));
        Assert.True(File.Exists(Path.Combine(_work.Folder, "plan.json")));
        Assert.Empty(_work.Emulators.Started);

        var run = await RunAsync();
        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Equal(items, run.Summary!.Sent);
        Assert.Equal(items, Assert.Single(_work.Emulators.Started).Actions.Count);

        var again = await RunAsync();
        Assert.Equal(ExitCodes.Done, again.ExitCode);
        Assert.Null(again.Summary); // the plan found every item unchanged: nothing reached the sender
        Assert.Equal(items, again.Check!.Plan.Totals.Unchanged);
    }

    [Fact]
    public async Task Run_with_a_limit_leaves_the_rest_for_the_next_run_and_status_counts_them()
    {
        var first = await RunAsync(new RunRequest(Limit: 5));
        Assert.Equal(ExitCodes.Done, first.ExitCode);
        Assert.Equal(5, first.Summary!.Sent);

        var status = LedgerUseCases.Status(_work.RunFile, _work.Host, new DiagnosticBag());
        Assert.Equal(ExitCodes.Done, status.ExitCode);
        Assert.Equal(5, status.Counts.Where(c => c.State == ItemState.Sent).Sum(c => c.Count));
        Assert.Equal("SQLite WAL, synchronous=FULL", status.Durability);

        var rest = await RunAsync();
        Assert.Equal(first.Check!.Items - 5, rest.Summary!.Sent);
    }

    [Fact]
    public async Task A_second_run_on_a_locked_ledger_is_refused_with_exit_3_and_names_the_holder()
    {
        Assert.Equal(ExitCodes.Done, (await RunAsync(new RunRequest(Limit: 1))).ExitCode);
        var run = RunFiles.RunFileLoader.Load(_work.RunFile, _ => null).RunFile!;
        using var holder = Ledgers.Open(run.LedgerPath, LedgerMode.ReadWrite);
        var bag = new DiagnosticBag();
        var second = await RunAsync(bag: bag);
        Assert.Equal(ExitCodes.Stopped, second.ExitCode);
        var locked = Assert.Single(bag.Kept);
        Assert.Equal(DiagnosticCodes.LedgerLocked, locked.Code);
        Assert.Contains($"process {Environment.ProcessId}", locked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_writes_one_row_per_item_and_resolve_finds_nothing_in_doubt()
    {
        var run = await RunAsync();
        var path = Path.Combine(_work.Folder, "results.csv");
        var export = LedgerUseCases.Export(_work.RunFile, ExportFormat.Csv, OutputTarget.File(path), _work.Host, new DiagnosticBag());
        Assert.Equal(ExitCodes.Done, export.ExitCode);
        Assert.Equal(run.Summary!.Sent, export.Rows);
        Assert.Equal(run.Summary.Sent + 1, File.ReadAllLines(path).Length);

        var resolve = LedgerUseCases.Resolve(_work.RunFile, Resolution.Sent, null, null, _work.Host, new DiagnosticBag());
        Assert.Equal(ExitCodes.Done, resolve.ExitCode);
        Assert.Empty(resolve.Settled);

        var bag = new DiagnosticBag();
        var unknown = LedgerUseCases.Resolve(_work.RunFile, Resolution.Sent, "nosuch", null, _work.Host, bag);
        Assert.Equal(ExitCodes.InputUnusable, unknown.ExitCode);
        Assert.Equal(DiagnosticCodes.UnknownAction, Assert.Single(bag.Kept).Code);
    }

    [Fact]
    public async Task Report_reads_the_answers_back_and_remind_reminds_only_the_unanswered_once()
    {
        await RunAsync();
        var report = await ReadBackUseCases.ReportAsync(_work.RunFile, new ReportRequest(HtmlPath: Path.Combine(_work.Folder, "report.html")),
            _work.Host, new DiagnosticBag(), null, Ct);
        Assert.Equal(ExitCodes.Done, report.ExitCode);
        var survey = Assert.Single(report.Report!.Actions, a => a.Action == "safety-survey");
        Assert.True(survey.Responses > 0, "the members answered at once (RespondRate 1, RespondAfter 0)");
        Assert.Equal("html", Assert.Single(report.Written).Kind);

        var unanswered = report.Report.Items.Count(i => i.Responses == 0);
        var remind = await ReadBackUseCases.RemindAsync(_work.RunFile, new RemindOptions(), _work.Host, new DiagnosticBag(), null, Ct);
        Assert.Equal(ExitCodes.Done, remind.ExitCode);
        Assert.Equal(unanswered, remind.Reminders!.Reminded);
        Assert.Equal(report.Report.Items.Count(i => i.Responses > 0), remind.Reminders.Enough);

        var again = await ReadBackUseCases.RemindAsync(_work.RunFile, new RemindOptions(), _work.Host, new DiagnosticBag(), null, Ct);
        Assert.Equal(0, again.Reminders!.Reminded); // at most once per item per 24 h
        Assert.Equal(unanswered, again.Reminders.RecentlyReminded);
    }

    [Fact]
    public async Task Report_before_any_run_is_an_input_error_at_the_ledger()
    {
        var bag = new DiagnosticBag();
        var report = await ReadBackUseCases.ReportAsync(_work.RunFile, new ReportRequest(), _work.Host, bag, null, Ct);
        Assert.Equal(ExitCodes.InputUnusable, report.ExitCode);
        Assert.EndsWith(".ledger.db", Assert.Single(bag.Kept).Location.File, StringComparison.Ordinal);
        Assert.Empty(_work.Emulators.Started);
    }
}
