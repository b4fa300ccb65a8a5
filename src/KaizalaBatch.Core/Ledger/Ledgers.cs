using KaizalaBatch.Ledger.Postgres;
using KaizalaBatch.Ledger.Sqlite;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Ledger;

/// <summary>Opens the ledger a run file names (<c>ledger:</c>): the one place that picks the backend, SQLite for a path and
/// PostgreSQL for a <c>postgresql://</c> URL (<see cref="LedgerLocation"/>).</summary>
public static class Ledgers
{
    /// <summary>Opens a ledger. A writing mode takes the run lock, creates and migrates the store;
    /// <see cref="LedgerMode.ReadOnly"/> of a ledger that does not exist gives an empty one without creating it.</summary>
    /// <exception cref="LedgerLockedException">Another run holds it (exit 3).</exception>
    /// <exception cref="LedgerSchemaException">Written by a newer version, or not migrated yet for a read-only open.</exception>
    /// <exception cref="LedgerUnreadableException">It cannot be opened or read at all (not a ledger, no permission, no server).</exception>
    public static ILedger Open(string location, LedgerMode mode, TimeProvider? time = null, LedgerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (LedgerLocation.IsDatabase(location))
        {
            return PostgresLedger.Open(location, mode, time, options);
        }
        return SqliteLedger.Open(location, mode, time, options?.CreatedAt);
    }

    /// <summary>Whether a ledger may exist at <paramref name="location"/> yet (a first run creates it only once its input
    /// passed). A database that cannot be reached may: the open that follows says why it cannot be used.</summary>
    public static bool Exists(string location, LedgerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        return LedgerLocation.IsDatabase(location) ? PostgresLedger.HasLedger(location, options) : File.Exists(location);
    }
}

/// <summary>The ledger cannot be opened or read (not a ledger file, no permission, an I/O error); the message names it.</summary>
public sealed class LedgerUnreadableException(string message, Exception inner) : Exception(message, inner);
