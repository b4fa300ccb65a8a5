using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>SQLite's result codes, read as the contract's <see cref="LedgerWriteFailure"/>.</summary>
internal static class SqliteFailure
{
    /// <summary>Why SQLite refused a write, when the reason lies outside the program; null for anything else (a bug).</summary>
    public static LedgerWriteFailure? CauseOf(Exception ex) => ex is SqliteException sqlite
        ? (sqlite.SqliteErrorCode & 0xFF) switch
        {
            13 => LedgerWriteFailure.DiskFull,                       // SQLITE_FULL
            3 or 8 or 14 or 23 => LedgerWriteFailure.NoPermission,   // SQLITE_PERM, _READONLY, _CANTOPEN, _AUTH
            5 or 6 => LedgerWriteFailure.Busy,                       // SQLITE_BUSY, _LOCKED
            10 or 11 or 15 or 26 => LedgerWriteFailure.IoError,      // SQLITE_IOERR, _CORRUPT, _PROTOCOL, _NOTADB
            _ => null,
        }
        : null;
}
