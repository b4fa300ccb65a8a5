using KaizalaBatch.Diagnostics;
using KaizalaBatch.Ledger;
using KaizalaBatch.Planning;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.UseCases;

/// <summary>Opens a run's ledger for the use cases and turns the ways that can fail into a diagnostic that names it.</summary>
public static class LedgerAccess
{
    /// <summary>For the use cases that only read (plan, status, export): the ledger (possibly absent:
    /// <see cref="ILedger.Exists"/> false), or null when it cannot be read (exit 2).</summary>
    public static ILedger? OpenForReading(RunFile run, UseCaseHost host, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        try
        {
            return Ledgers.Open(run.LedgerPath, LedgerMode.ReadOnly, host.Time, Options(run));
        }
        catch (Exception ex) when (ex is LedgerSchemaException or LedgerUnreadableException)
        {
            diagnostics.Add(Unusable(run, ex.Message));
            return null;
        }
    }

    /// <summary>For the use cases that write (run, resolve, report, remind): the ledger with its run lock, or null with the
    /// exit code when it cannot be had (3: another run holds it; 2: it cannot be used), the reason in
    /// <paramref name="diagnostics"/>. <paramref name="then"/> ends the locked message (what the user may do).
    /// <paramref name="shared"/>: a run, which runners on other machines may join where the ledger can be shared.</summary>
    /// <param name="createdAt">The creation time a new ledger records (<see cref="LedgerOptions.CreatedAt"/>).</param>
    public static (ILedger? Ledger, int ExitCode) OpenForWriting(RunFile run, UseCaseHost host, DiagnosticBag diagnostics, string then,
        bool shared = false, DateTimeOffset? createdAt = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(diagnostics);
        try
        {
            return (Ledgers.Open(run.LedgerPath, shared ? LedgerMode.SharedRun : LedgerMode.ReadWrite, host.Time, Options(run) with { CreatedAt = createdAt }),
                ExitCodes.Done);
        }
        catch (LedgerLockedException ex)
        {
            var holder = ex.Holder is { } h
                ? $"process {h.ProcessId} on {h.Host}, running since {h.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}"
                : "another process";
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.LedgerLocked, $"the ledger is locked by {holder}. {then}", new SourceLocation(run.LedgerPath)));
            return (null, ExitCodes.Stopped);
        }
        catch (Exception ex) when (ex is LedgerSchemaException or LedgerUnreadableException)
        {
            diagnostics.Add(Unusable(run, ex.Message));
            return (null, ExitCodes.InputUnusable);
        }
    }

    /// <summary>Whether the run's ledger may exist yet (a first run creates it only once its input has passed).</summary>
    public static bool Exists(RunFile run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Ledgers.Exists(run.LedgerPath, Options(run));
    }

    /// <summary>What the backend needs from the run file: a database's password, and a lease on claimed items that outlasts
    /// any request on the wire (twice the client timeout), so an item is taken over from a runner that died only once its
    /// last request can no longer arrive.</summary>
    public static LedgerOptions Options(RunFile run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var twice = run.Connection.Timeout * 2;
        return new LedgerOptions(run.LedgerPassword, twice > MinimumLease ? twice : MinimumLease);
    }

    private static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(10);

    private static Diagnostic Unusable(RunFile run, string message) =>
        Diagnostic.Error(DiagnosticCodes.LedgerUnusable, message, new SourceLocation(run.LedgerPath));

    /// <summary>What the plan reads: the ledger, or nothing when there is none yet.</summary>
    public static ILedgerReader? Reader(this ILedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.Exists ? ledger : null;
    }

    /// <summary><c>run.startedAt</c> for templates. A template that uses it must render the same between plan and run and
    /// between runs, or every item would look changed: so it is when the ledger was created, or now for a first run.</summary>
    public static RenderOptions RenderOptions(ILedger ledger, UseCaseHost host, IReadOnlySet<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(host);
        // Before a ledger exists, now, to the millisecond: what the ledger will record as its creation time when the run
        // creates it with this value (LedgerOptions.CreatedAt), so that the run's two passes render alike.
        return new(ledger.CreatedAt ?? DateTimeOffset.FromUnixTimeMilliseconds(host.Time.GetUtcNow().ToUnixTimeMilliseconds())) { Only = only };
    }
}
