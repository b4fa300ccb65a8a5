using Microsoft.Data.Sqlite;

namespace KaizalaBatch.Ledger.Sqlite;

/// <summary>The run lock: an OS lock on <c>&lt;ledger&gt;.lock</c> (dropped by the kernel when its holder dies), and who holds it, as the holder recorded it.</summary>
public sealed partial class SqliteLedger
{
    /// <summary>The file that carries the OS-level run lock: the ledger's path plus <c>.lock</c>.</summary>
    public static string LockPathFor(string ledgerPath) => ledgerPath + ".lock";

    private static FileStream AcquireLock(string fullPath)
    {
        var lockPath = LockPathFor(fullPath);
        try
        {
            // FileShare.None is an OS lock (flock on Unix): the kernel drops it when the holder dies, even on SIGKILL.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new LedgerLockedException(fullPath, TryReadHolder(fullPath));
        }
    }

    private static LockHolder? TryReadHolder(string fullPath)
    {
        try
        {
            if (!File.Exists(fullPath))
            {
                return null;
            }
            using var connection = Connect(fullPath, SqliteOpenMode.ReadOnly);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT pid, host, started_at FROM run_lock WHERE id = 1";
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new LockHolder(reader.GetInt32(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
                : null;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    private static void WriteHolder(SqliteConnection connection, LockHolder holder)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO run_lock (id, pid, host, started_at) VALUES (1, $pid, $host, $started)";
        command.Parameters.AddWithValue("$pid", holder.ProcessId);
        command.Parameters.AddWithValue("$host", holder.Host);
        command.Parameters.AddWithValue("$started", holder.StartedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    private static void WriteHolderText(FileStream lockFile, LockHolder holder)
    {
        // For a human who finds the file; the second run reads the holder from the ledger, since it cannot open a locked file.
        var text = System.Text.Encoding.UTF8.GetBytes($"pid={holder.ProcessId}\nhost={holder.Host}\nstarted={holder.StartedAt:O}\n");
        lockFile.SetLength(0);
        lockFile.Write(text);
        lockFile.Flush(flushToDisk: true);
    }
}
