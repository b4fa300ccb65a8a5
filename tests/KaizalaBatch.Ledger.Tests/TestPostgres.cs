using System.Globalization;
using Npgsql;

namespace KaizalaBatch.Tests.Postgres;

/// <summary>The PostgreSQL server the tests may use: <c>KB_TEST_POSTGRES=postgresql://user@host:port/database</c>, a
/// superuser's (or one that may create databases), as <c>scripts/test-postgres.sh start</c> prints it. Where it is not set
/// the calling test is skipped, saying why (a machine with only the .NET SDK still runs the suite), unless
/// <c>KB_REQUIRE_POSTGRES=1</c> (set by .ci/run, which starts a server): then it fails. Tests never mock the database:
/// each gets a fresh one of its own (<see cref="CreateDatabase"/>), dropped afterwards.</summary>
public static class TestPostgres
{
    public const string Variable = "KB_TEST_POSTGRES";

    /// <summary>The server's URL, or the test is skipped (or fails, where the server is required).</summary>
    public static string Server()
    {
        var url = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(url))
        {
            Assert.False(Environment.GetEnvironmentVariable("KB_REQUIRE_POSTGRES") == "1",
                $"{Variable} is not set, and KB_REQUIRE_POSTGRES=1 says the PostgreSQL tests must run: eval \"$(scripts/test-postgres.sh start)\"");
            Assert.Skip($"{Variable} is not set (eval \"$(scripts/test-postgres.sh start)\"; .ci/run does it): this PostgreSQL test is skipped.");
        }
        return url;
    }

    /// <summary>A fresh, empty database on the test server.</summary>
    public static TestDatabase CreateDatabase()
    {
        var server = Server();
        var name = "kb_test_" + Guid.NewGuid().ToString("N")[..16];
        using (var admin = new NpgsqlConnection(ConnectionString(server)))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            create.ExecuteNonQuery();
        }
        return new TestDatabase(server, name, WithDatabase(server, name));
    }

    /// <summary>The URL with another database.</summary>
    public static string WithDatabase(string url, string database)
    {
        var uri = new Uri(url);
        var query = uri.Query;
        return $"{uri.Scheme}://{uri.UserInfo}{(uri.UserInfo.Length > 0 ? "@" : "")}{uri.Authority.Split('@')[^1]}/{database}{query}";
    }

    /// <summary>An Npgsql connection string for a test URL (host, port, user, password, database).</summary>
    public static string ConnectionString(string url)
    {
        var uri = new Uri(url);
        var user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.TrimStart('/'),
            Pooling = false,
        };
        if (user[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user[0]);
        }
        if (user.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }
        return builder.ConnectionString;
    }
}

/// <summary>A database of the test server's, dropped (with any session still in it) when disposed.</summary>
public sealed class TestDatabase(string server, string name, string url) : IDisposable
{
    public string Name { get; } = name;

    /// <summary>postgresql://user@host:port/name</summary>
    public string Url { get; } = url;

    /// <summary>Runs SQL in the database directly (to arrange a state, or to look at one), returning the first value.</summary>
    public object? Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(TestPostgres.ConnectionString(Url));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Runs SQL on the server's own database (to change this one's settings while it refuses writes, say).</summary>
    public void OnServer(string sql)
    {
        using var connection = new NpgsqlConnection(TestPostgres.ConnectionString(server));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Every row of every table of the database as text, for a search (a secret must never be in it).</summary>
    public string Dump()
    {
        using var connection = new NpgsqlConnection(TestPostgres.ConnectionString(Url));
        connection.Open();
        var tables = new List<string>();
        using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", connection))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var text = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            using var rows = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                text.Append(CultureInfo.InvariantCulture, $"{table}: {reader.GetString(0)}\n");
            }
        }
        return text.ToString();
    }

    public void Dispose()
    {
        try
        {
            using var admin = new NpgsqlConnection(TestPostgres.ConnectionString(server));
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // The server went away first: nothing is left to drop.
        }
    }
}
