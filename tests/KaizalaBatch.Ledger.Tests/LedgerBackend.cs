using KaizalaBatch.Ledger.Postgres;
using KaizalaBatch.Ledger.Sqlite;
using KaizalaBatch.Tests.Postgres;

namespace KaizalaBatch.Ledger.Tests;

/// <summary>Where a contract test keeps its ledger: a SQLite file in a temp folder, or a fresh PostgreSQL database of the
/// test server (skipped where there is none, see <see cref="TestPostgres"/>). Opened through <see cref="Ledgers.Open"/>,
/// the one place that picks the backend.</summary>
public sealed class LedgerBackend : IDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private readonly TempFolder? _folder;
    private readonly TestDatabase? _database;

    private LedgerBackend(string name, TempFolder? folder, TestDatabase? database, string location)
    {
        Name = name;
        _folder = folder;
        _database = database;
        Location = location;
    }

    /// <summary>Every backend, for a contract test's <c>[MemberData]</c>.</summary>
    public static TheoryData<string> All => new(Sqlite, Postgres);

    public static LedgerBackend Create(string name)
    {
        if (name == Postgres)
        {
            var database = TestPostgres.CreateDatabase();
            return new LedgerBackend(name, null, database, database.Url);
        }
        var folder = new TempFolder();
        return new LedgerBackend(name, folder, null, folder.File("run.ledger.db"));
    }

    public string Name { get; }

    /// <summary>What <c>ledger:</c> would say: the file's path or the database's URL.</summary>
    public string Location { get; }

    /// <summary>The test database, for a look behind the ledger's back; null for SQLite.</summary>
    public TestDatabase? Database => _database;

    public ILedger Open(LedgerMode mode, TimeProvider? time = null) => Ledgers.Open(Location, mode, time);

    /// <summary>The durability <c>status</c> must show: committed to disk before a write returns.</summary>
    public string DurabilityPattern => Name == Sqlite
        ? "^SQLite WAL, synchronous=FULL$"
        : @"^PostgreSQL \d+(\.\d+)*, synchronous_commit=on, fsync=on$";

    public int SchemaVersion(ILedger ledger) => ledger switch
    {
        SqliteLedger sqlite => sqlite.SchemaVersion,
        PostgresLedger postgres => postgres.SchemaVersion,
        _ => throw new ArgumentOutOfRangeException(nameof(ledger)),
    };

    public int CurrentSchemaVersion => Name == Sqlite ? LedgerSchema.CurrentVersion : PostgresSchema.CurrentVersion;

    /// <summary>Nothing was created where the ledger would be: no file, or no table in the database.</summary>
    public bool LeftNoTrace() => _folder is { } folder
        ? Directory.GetFiles(folder.Path).Length == 0
        : Convert.ToInt64(_database!.Scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), System.Globalization.CultureInfo.InvariantCulture) == 0;

    public void Dispose()
    {
        _folder?.Dispose();
        _database?.Dispose();
    }
}
