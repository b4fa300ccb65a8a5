using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;
using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Cli;

/// <summary>Opens a run's ledger for the commands that only read it (plan, status, export) and turns the ways that can
/// fail into a message that names the file.</summary>
public static class LedgerAccess
{
    /// <returns>The ledger (possibly absent: <see cref="RunLedger.Exists"/> false), or null when it cannot be read.</returns>
    public static RunLedger? OpenForReading(RunFile run, TextWriter error)
    {
        try
        {
            return RunLedger.Open(run.LedgerPath, LedgerMode.ReadOnly);
        }
        catch (LedgerSchemaException ex)
        {
            error.WriteLine($"{run.LedgerPath}: error: {ex.Message}");
        }
        catch (SqliteException ex)
        {
            error.WriteLine($"{run.LedgerPath}: error: this is not a readable KaizalaBatch ledger ({ex.SqliteErrorCode}: {ex.Message.Split('\n')[0]}).");
        }
        return null;
    }

    /// <summary>The run file and its ledger for status and export; null (the caller exits 2) when either cannot be read,
    /// with the reasons printed.</summary>
    public static (RunFile Run, RunLedger Ledger)? LoadForReading(string runFilePath, TextWriter error)
    {
        var run = RunInput.Load(runFilePath, new Output.DiagnosticWriter(error));
        return run is not null && OpenForReading(run, error) is { } ledger ? (run, ledger) : null;
    }

    /// <summary>What the plan reads: the ledger, or nothing when there is none yet.</summary>
    public static ILedgerReader? Reader(this RunLedger ledger) => ledger.Exists ? ledger : null;

    /// <summary><c>run.startedAt</c> for templates. A template that uses it must render the same between plan and run and
    /// between runs, or every item would look changed: so it is when the ledger was created, or now for a first run.</summary>
    public static RenderOptions RenderOptions(RunLedger ledger, IReadOnlySet<string>? only = null) =>
        new(ledger.CreatedAt ?? DateTimeOffset.UtcNow) { Only = only };
}
