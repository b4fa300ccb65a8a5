using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.RunFiles;

/// <summary>A run file, read and checked (SPEC section 1), with every default filled in.</summary>
/// <param name="Path">The run file's absolute path.</param>
/// <param name="Directory">The folder relative paths (CSV, templates, ledger; media unless mediaRoot says) are resolved against.</param>
/// <param name="LedgerPath">Where the ledger is: the absolute path of a SQLite file (<c>ledger:</c> if given, else
/// <c>&lt;name&gt;.ledger.db</c> beside the run file), or a PostgreSQL URL as written, without its password
/// (<see cref="LedgerLocation"/>): safe to print.</param>
/// <param name="Vars">The <c>vars:</c> mapping as written (templates see it as <c>vars</c>), or null.</param>
public sealed record RunFile(
    string Path,
    string Directory,
    int Version,
    string Name,
    ConnectionSettings Connection,
    RunLimits Limits,
    MappingToken? Vars,
    PhoneDefaults PhoneDefaults,
    IReadOnlyList<ActionDefinition> Actions,
    string LedgerPath)
{
    /// <summary>A database ledger's password, from <c>${env:NAME}</c> in its URL; null: none in the URL (libpq's
    /// <c>PGPASSWORD</c> or <c>~/.pgpass</c> may still give one).</summary>
    public Secret? LedgerPassword { get; init; }

    /// <summary>The stem of the files this machine keeps beside the ledger (<c>.refresh-token</c>, the embedded emulator's
    /// <c>.emulator.json</c>): the ledger file, or <c>&lt;database&gt;.pg</c> beside the run file for a database ledger.</summary>
    public string LocalFilesStem => LedgerLocation.LocalFilesStem(LedgerPath, Directory);

    /// <summary>Absolute path of <c>mediaRoot:</c> if given, else null.</summary>
    public string? MediaRoot { get; init; }

    /// <summary><c>keepPayloads:</c> the ledger keeps the actionBody each item was sent with (default), so that <c>plan</c>
    /// can show what changed; false keeps only hashes.</summary>
    public bool KeepPayloads { get; init; } = true;

    /// <summary>The folder media paths are resolved against, and that a media path made by a template must stay in:
    /// <see cref="MediaRoot"/>, else <see cref="Directory"/>.</summary>
    public string MediaDirectory => MediaRoot ?? Directory;
}

/// <summary>Where the Actions go. Secrets are held as <see cref="Secret"/>, whose printout is redacted.</summary>
public sealed record ConnectionSettings(
    bool Emulator,
    Uri ApiRoot,
    string? ApplicationId,
    Secret? ApplicationSecret,
    Secret? RefreshToken,
    TimeSpan Timeout)
{
    public static readonly Uri DefaultApiRoot = new("https://api.kaiza.la/v1");
    public const int DefaultTimeoutSeconds = 60;

    /// <summary><c>connection.emulatorOrg</c>: the organisation the embedded emulator serves; null: none (any GUID is a group).</summary>
    public EmulatorOrganisation? EmulatorOrg { get; init; }

    /// <summary><c>connection.connectors:</c> as written (a pool of connectors of one tenant); empty when the run file gives the
    /// single <c>applicationId</c>/<c>applicationSecret</c>/<c>refreshToken</c> (or none, for the embedded emulator).</summary>
    public IReadOnlyList<ConnectorSettings> Connectors { get; init; } = [];

    /// <summary>The embedded emulator takes any credentials; this names its one connector.</summary>
    public const string EmbeddedConnector = "kaizala-batch-embedded";

    /// <summary>The names items may be pinned to and the ledger records: the pool's, else the one connector's applicationId.</summary>
    public IReadOnlyCollection<string> ConnectorNames =>
        Connectors.Count > 0 ? [.. Connectors.Select(c => c.Name)] : [Emulator ? EmbeddedConnector : ApplicationId ?? EmbeddedConnector];
}

/// <summary>One connector of <c>connection.connectors:</c>.</summary>
/// <param name="Name">What a targets file's connector column and the ledger call it: <c>name:</c>, else its applicationId.</param>
/// <param name="ApplicationSecret">Null only for the embedded emulator, which takes any credentials.</param>
public sealed record ConnectorSettings(string Name, string ApplicationId, Secret? ApplicationSecret, Secret? RefreshToken, SourceLocation Location);

/// <summary>The embedded emulator's organisation as the run file asks for it: a file (absolute path), or a generated one of
/// <see cref="Size"/> groups (seed 0, so every command of the run sees the same GUIDs).</summary>
public sealed record EmulatorOrganisation(string? File, int Size, SourceLocation Location)
{
    /// <summary>What <c>emulatorOrg: true</c> generates: a head office, three regions and 36 stores.</summary>
    public const int DefaultSize = 40;
}

/// <param name="ResendInDoubt"><c>limits.inDoubt: resend</c>: post again an in-doubt item the service cannot list, instead of
/// holding it for <c>resolve</c>.</param>
/// <param name="TenantPerMinute"><c>limits.tenantPerMinute</c> as written: calls of all the connectors together in any minute;
/// null: the service's 300 for a pool of connectors, and no limit beyond <paramref name="PerMinute"/> for one connector.</param>
public sealed record RunLimits(int PerMinute = 100, int Concurrency = 4, int MaxAttempts = 5, int MaxErrors = 50, bool ResendInDoubt = false,
    int? TenantPerMinute = null)
{
    /// <summary>The service's limit per tenant (REFERENCE.md).</summary>
    public const int DefaultTenantPerMinute = 300;

    /// <summary>The tenant's limit in force for a pool of <paramref name="connectors"/> connectors (distinct applicationIds);
    /// 0: none (one connector is held by its own <see cref="PerMinute"/>, below the tenant's limit).</summary>
    public int TenantLimitFor(int connectors) => TenantPerMinute ?? (connectors > 1 ? DefaultTenantPerMinute : 0);
}

/// <param name="CountryCode">"+91" style prefix for numbers written without +; null when not configured.</param>
public sealed record PhoneDefaults(string? CountryCode);

/// <summary>One entry of <c>actions:</c>.</summary>
/// <param name="Type">PascalCase action type (Job ... Custom).</param>
/// <param name="Key">The <c>key:</c> template, or null for the default (the groupId).</param>
/// <param name="Body">The <c>body:</c> mapping as written, or null when <see cref="BodyTemplatePath"/> is used.</param>
/// <param name="BodyTemplatePath">Absolute path of the <c>bodyTemplate:</c> Scriban file, or null.</param>
/// <param name="Extra">Custom only: top-level request fields as written, or null.</param>
public sealed record ActionDefinition(
    string Name,
    string Type,
    string? PackageId,
    TargetsDefinition Targets,
    StringToken? Key,
    MappingToken? Body,
    string? BodyTemplatePath,
    SourceLocation? BodyTemplateLocation,
    MappingToken? Extra,
    SourceLocation Location);

/// <param name="File">Absolute path of the CSV file.</param>
/// <param name="DisplayFile">The path as written in the run file, for messages.</param>
/// <param name="GroupIdColumn">The column holding the group GUID (default <c>groupId</c>).</param>
public sealed record TargetsDefinition(
    string File,
    string DisplayFile,
    string GroupIdColumn,
    string? GroupBy,
    StringToken? Where,
    SourceLocation Location)
{
    public const string DefaultGroupIdColumn = "groupId";

    /// <summary><c>targets.connector:</c> the column that pins an item to a connector of the pool by its name (an empty cell:
    /// any connector); null: every item goes through whichever connector has room.</summary>
    public string? ConnectorColumn { get; init; }
}

/// <summary>What <see cref="RunFileLoader.Load"/> found: the run file when it is usable, and every diagnostic.</summary>
/// <param name="RunFile">Null when any error was found.</param>
public sealed record LoadResult(RunFile? RunFile, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => RunFile is not null;

    /// <summary>The run file for commands that only reach the service (<c>groups</c>, which writes a targets file): also
    /// when its only errors are targets files that do not exist yet. Null when anything else is wrong.</summary>
    public RunFile? ForConnection { get; init; }
}
