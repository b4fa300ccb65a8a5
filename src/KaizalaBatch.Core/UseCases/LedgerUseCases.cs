using KaizalaBatch.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.Reports;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.UseCases;

/// <summary>What <c>status</c> found: the counts per action and state, with every action of the run file in its order
/// (an action never started has no row in the ledger, yet it is part of the run).</summary>
/// <param name="Ledger">Where the ledger is and how its writes are made durable; null when there is none yet.</param>
/// <param name="NotStarted">Per action, the valid items of the run file the ledger has no record of (a run stopped before
/// them, or a limit left them); null when the run file's items cannot be rendered now (its input has errors).</param>
public sealed record StatusResult(int ExitCode, RunFile? Run, string? Ledger, string? Durability, IReadOnlyList<StateCount> Counts,
    IReadOnlyDictionary<string, int>? NotStarted = null)
{
    /// <summary>The runners of a shared ledger (host, process, last heartbeat, items held); empty for SQLite.</summary>
    public IReadOnlyList<RunnerInfo> Runners { get; init; } = [];
}

/// <summary>What <c>export</c> wrote.</summary>
public sealed record ExportResult(int ExitCode, long Rows);

/// <summary>What <c>resolve</c> settled.</summary>
public sealed record ResolveResult(int ExitCode, RunFile? Run, IReadOnlyList<LedgerRecord> Settled);

/// <summary>The use cases that read the ledger (status, export) or settle it by hand (resolve); none reaches the service.</summary>
public static class LedgerUseCases
{
    /// <summary><c>status</c>: what the ledger holds, per action and state.</summary>
    /// <param name="json"><c>--json</c>: also write the counts there as JSON (<see cref="StatusJson"/>); a target that cannot
    /// be written is exit 2.</param>
    public static StatusResult Status(string runFilePath, UseCaseHost host, DiagnosticBag diagnostics, OutputTarget? json = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var run = RunFileInput.Load(runFilePath, host, diagnostics);
        using var ledger = run is null ? null : LedgerAccess.OpenForReading(run, host, diagnostics);
        if (run is null || ledger is null)
        {
            return new StatusResult(ExitCodes.InputUnusable, run, null, null, []);
        }
        // The ledger knows only what was started; the run file says what there is. Rendered quietly: validate and plan
        // report the mistakes, status only says it cannot count.
        var notStarted = new Dictionary<string, int>(StringComparer.Ordinal);
        var pass = PlanPass.Run(run, ledger.Reader(), LedgerAccess.RenderOptions(ledger, host), new PlanOptions(), new DiagnosticBag(),
            planned =>
            {
                if (planned.Entry is null && planned.Category != PlanCategory.Invalid)
                {
                    notStarted[planned.Item.Action] = notStarted.GetValueOrDefault(planned.Item.Action) + 1;
                }
            },
            CancellationToken.None);
        var counted = pass.InputErrors == 0 ? notStarted : null;
        var result = ledger.Exists
            ? new StatusResult(ExitCodes.Done, run, ledger.Location, ledger.Durability, ledger.CountByState(), counted) { Runners = ledger.Runners() }
            : new StatusResult(ExitCodes.Done, run, null, null, [], counted);
        if (json is not null)
        {
            using var stream = json.TryOpen("the status JSON", diagnostics);
            if (stream is null)
            {
                return result with { ExitCode = ExitCodes.InputUnusable };
            }
            StatusJson.Write(stream, run.Name, run.Actions.Select(a => a.Name), result.Ledger, result.Durability, result.Counts, result.NotStarted);
        }
        return result;
    }

    /// <summary><c>export</c>: the ledger as a results file, one row per item, to <paramref name="output"/>.</summary>
    /// <param name="output">Where to write (a file, stdout); an I/O failure there is exit 2.</param>
    public static ExportResult Export(string runFilePath, ExportFormat format, OutputTarget output, UseCaseHost host, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var run = RunFileInput.Load(runFilePath, host, diagnostics);
        using var ledger = run is null ? null : LedgerAccess.OpenForReading(run, host, diagnostics);
        if (run is null || ledger is null)
        {
            return new ExportResult(ExitCodes.InputUnusable, 0);
        }
        var rows = 0L;
        return output.TryWrite("the export", diagnostics, stream => rows = LedgerExport.Write(ledger.Exists ? ledger.Export() : [], format, stream))
            ? new ExportResult(ExitCodes.Done, rows)
            : new ExportResult(ExitCodes.InputUnusable, rows);
    }

    /// <summary><c>resolve</c>: settles in-doubt items (all, one action's, one key's) by the user's decision, recorded with
    /// who decided and when.</summary>
    public static ResolveResult Resolve(string runFilePath, Resolution resolution, string? only, string? key, UseCaseHost host,
        DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var run = RunFileInput.Load(runFilePath, host, diagnostics);
        if (run is null)
        {
            return new ResolveResult(ExitCodes.InputUnusable, null, []);
        }
        if (only is not null && run.Actions.All(a => a.Name != only))
        {
            diagnostics.Add(UnknownAction(run, only));
            return new ResolveResult(ExitCodes.InputUnusable, run, []);
        }
        if (!LedgerAccess.Exists(run))
        {
            return new ResolveResult(ExitCodes.Done, run, []);
        }
        var (ledger, refused) = LedgerAccess.OpenForWriting(run, host, diagnostics, "Wait for that run to finish; nothing was changed.");
        if (ledger is null)
        {
            return new ResolveResult(refused, run, []);
        }
        using (ledger)
        {
            var items = ledger.InDoubtItems(only, key);
            if (items.Count > 0)
            {
                ledger.Resolve(only, key, resolution, host.User);
            }
            return new ResolveResult(ExitCodes.Done, run, items);
        }
    }

    /// <summary>An <c>--only</c> that names no action of the run file: an input error at the run file.</summary>
    public static Diagnostic UnknownAction(RunFile run, string name)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Diagnostic.Error(DiagnosticCodes.UnknownAction,
            $"--only {name}: the run file has no action '{name}' (it has {string.Join(", ", run.Actions.Select(a => a.Name))})",
            new SourceLocation(run.Path));
    }
}
