using System.Net.Sockets;
using KaizalaBatch.RunFiles;
using Npgsql;

namespace KaizalaBatch.Ledger.Postgres;

/// <summary>A <c>postgresql://user@host:port/database?sslmode=...</c> URL as an Npgsql data source. What the URL leaves out
/// comes from libpq's environment as Npgsql reads it (<c>PGHOST</c>, <c>PGPORT</c>, <c>PGUSER</c>, <c>PGPASSWORD</c>,
/// <c>PGPASSFILE</c> and <c>~/.pgpass</c>, <c>PGSSLMODE</c>, ...). Every session commits synchronously
/// (<c>synchronous_commit=on</c>, whatever the server's default), so a committed write is on the server's disk.</summary>
internal static class PostgresConnection
{
    /// <summary>The URL's query parameters this understands (libpq's names).</summary>
    private static readonly string[] KnownParameters = ["sslmode", "connect_timeout", "application_name"];

    /// <exception cref="ArgumentException">The URL cannot be used (the message says why; it holds no password).</exception>
    public static NpgsqlDataSource Create(string url, Secret? password)
    {
        var parts = LedgerLocation.Split(url) ?? throw new ArgumentException("not a postgresql:// URL");
        var database = LedgerLocation.DatabaseName(url) ?? throw new ArgumentException("the URL names no database: postgresql://user@host:port/database");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Database = database,
            ApplicationName = "kaizala-batch",
            Options = "-c synchronous_commit=on",
            Enlist = false,
            MaxAutoPrepare = 32,
            AutoPrepareMinUsages = 2,
            // A server gone quiet (a machine switched off) is noticed within a minute, not at TCP's hours-long timeout.
            KeepAlive = 30,
            Timeout = 15,
        };
        if (parts.User.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(parts.User);
        }
        if (password is not null)
        {
            builder.Password = password.Reveal();
        }
        else if (parts.Password is { } written)
        {
            builder.Password = Uri.UnescapeDataString(written); // a caller's own URL (a test's); a run file never holds one
        }
        var hostAndPath = parts.Address.Split('?', 2);
        var authority = hostAndPath[0].Split('/', 2)[0];
        if (authority.Length > 0)
        {
            var (host, port) = HostAndPort(authority);
            builder.Host = host;
            if (port is { } p)
            {
                builder.Port = p;
            }
        }
        if (hostAndPath.Length == 2)
        {
            foreach (var pair in hostAndPath[1].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                var name = Uri.UnescapeDataString(kv[0]);
                var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
                switch (name)
                {
                    case "sslmode":
                        builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                            ? mode
                            : throw new ArgumentException($"sslmode={value} is not one of disable, allow, prefer, require, verify-ca, verify-full");
                        break;
                    case "connect_timeout":
                        builder.Timeout = int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                            ? seconds
                            : throw new ArgumentException($"connect_timeout={value} is not a number of seconds");
                        break;
                    case "application_name":
                        builder.ApplicationName = value;
                        break;
                    default:
                        throw new ArgumentException($"the URL parameter '{name}' is not understood (known: {string.Join(", ", KnownParameters)})");
                }
            }
        }
        return NpgsqlDataSource.Create(builder);
    }

    private static (string Host, int? Port) HostAndPort(string authority)
    {
        var host = authority;
        string? port = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? authority[1..close] : authority;
            port = close > 0 && close + 1 < authority.Length && authority[close + 1] == ':' ? authority[(close + 2)..] : null;
        }
        else if (authority.LastIndexOf(':') is var colon and > 0)
        {
            host = authority[..colon];
            port = authority[(colon + 1)..];
        }
        if (port is null)
        {
            return (Uri.UnescapeDataString(host), null);
        }
        return int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536
            ? (Uri.UnescapeDataString(host), number)
            : throw new ArgumentException($"the port '{port}' is not a port number");
    }
}

/// <summary>PostgreSQL's errors, read as the contract's <see cref="LedgerWriteFailure"/>.</summary>
internal static class PostgresFailure
{
    /// <summary>Why a write failed, when the reason lies outside the program (the server, its disk, the network, the
    /// grants); null for anything else (a bug).</summary>
    public static LedgerWriteFailure? CauseOf(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState switch
        {
            PostgresErrorCodes.DiskFull => LedgerWriteFailure.DiskFull,
            PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ReadOnlySqlTransaction => LedgerWriteFailure.NoPermission,
            var s when s.StartsWith("28", StringComparison.Ordinal) => LedgerWriteFailure.NoPermission, // authorization
            PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                or PostgresErrorCodes.QueryCanceled => LedgerWriteFailure.Busy,
            var s when s.StartsWith("08", StringComparison.Ordinal) || s.StartsWith("57P", StringComparison.Ordinal) => LedgerWriteFailure.Unreachable,
            var s when s.StartsWith("53", StringComparison.Ordinal) || s.StartsWith("58", StringComparison.Ordinal)
                || s.StartsWith("XX", StringComparison.Ordinal) => LedgerWriteFailure.IoError,
            _ => null,
        },
        NpgsqlException or SocketException or TimeoutException or IOException => LedgerWriteFailure.Unreachable,
        _ => null,
    };
}
