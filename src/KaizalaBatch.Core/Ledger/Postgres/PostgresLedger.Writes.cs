using Npgsql;
using NpgsqlTypes;

namespace KaizalaBatch.Ledger.Postgres;

/// <summary>The writer and the reader: every write committed before it returns, each on a pooled connection of its own;
/// an in-doubt mark of a shared run fenced by this runner's claim on the item.</summary>
public sealed partial class PostgresLedger
{
    /// <summary>Runs one write and commits it (with <c>synchronous_commit=on</c>, durable on the server when this returns).
    /// <paramref name="fence"/>: the item whose claim this runner must still hold (a shared run's in-doubt mark): otherwise
    /// nothing is written and <see cref="ClaimLostException"/> says so.</summary>
    private void Write(string sql, Action<NpgsqlCommand> bind, Action<int>? changed = null, bool opensDoubt = false,
        (string Action, string Key)? fence = null)
    {
        if (!IsWritable)
        {
            throw new InvalidOperationException("The ledger was opened read-only.");
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (opensDoubt && _unwritable is { } failed)
            {
                // A write failed for a reason outside the program: no request may leave that the ledger might not record.
                throw new LedgerUnwritableException(Location, failed.Cause, failed.InnerException!);
            }
        }
        try
        {
            using var connection = _data.OpenConnection();
            using var transaction = fence is null ? null : connection.BeginTransaction();
            if (fence is { } item && _shared is { } shared && !shared.Renew(connection, transaction!, item.Action, item.Key))
            {
                throw new ClaimLostException(item.Action, item.Key);
            }
            using var command = new NpgsqlCommand(sql, connection, transaction);
            bind(command);
            command.Parameters.Add(Sql.Time("now", _time.GetUtcNow()));
            var rows = command.ExecuteNonQuery();
            transaction?.Commit();
            changed?.Invoke(rows);
        }
        catch (Exception ex) when (PostgresFailure.CauseOf(ex) is { } cause)
        {
            var unwritable = new LedgerUnwritableException(Location, cause, ex);
            lock (_gate)
            {
                _unwritable ??= unwritable;
            }
            throw unwritable;
        }
    }

    /// <summary>One read on a pooled connection: <paramref name="read"/> gets a fresh command; <paramref name="absent"/> is
    /// the answer while the database has no ledger.</summary>
    private T Query<T>(T absent, Func<NpgsqlCommand, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_exists)
        {
            return absent;
        }
        using var connection = _data.OpenConnection();
        using var command = connection.CreateCommand();
        return read(command);
    }
}

/// <summary>Typed parameters: a null still carries its type, so that <c>@x IS NULL OR col = @x</c> needs no cast.</summary>
internal static class Sql
{
    public static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value };

    public static NpgsqlParameter Integer(string name, long? value) =>
        new(name, NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Flag(string name, bool value) => new(name, NpgsqlDbType.Boolean) { Value = value };

    public static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
