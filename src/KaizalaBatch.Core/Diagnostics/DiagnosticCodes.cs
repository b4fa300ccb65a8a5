namespace KaizalaBatch.Diagnostics;

/// <summary>The stable codes of the input pipeline's diagnostics. KB1xxx run file, KB2xxx CSV, KB3xxx templates,
/// KB4xxx action rules, KB5xxx items and plan, KB6xxx online checks.</summary>
public static class DiagnosticCodes
{
    public const string YamlSyntax = "KB1001";
    public const string Schema = "KB1002";
    public const string DuplicateKey = "KB1003";
    public const string DuplicateActionName = "KB1004";
    public const string PackageIdRequired = "KB1005";
    public const string PackageIdNotAllowed = "KB1006";
    public const string BodyChoice = "KB1007";
    public const string FileMissing = "KB1008";
    public const string EnvironmentMissing = "KB1009";
    public const string InsecureApiRoot = "KB1010";
    public const string ConnectionIncomplete = "KB1011";
    public const string RunFileMissing = "KB1012";
    public const string UnsupportedYaml = "KB1013";
    public const string EnvironmentOutsideConnection = "KB1014";
    public const string InputTooLarge = "KB1015";

    public const string CsvMissing = "KB2001";
    public const string CsvEmpty = "KB2002";
    public const string CsvHeader = "KB2003";
    public const string CsvDuplicateHeader = "KB2004";
    public const string CsvColumnMissing = "KB2005";
    public const string CsvFieldCount = "KB2006";
    public const string CsvQuoting = "KB2007";
    public const string CsvUnreadable = "KB2008";
    public const string CsvCellTooLarge = "KB2009";

    public const string TemplateSyntax = "KB3001";
    public const string TemplateRender = "KB3002";
    public const string TemplateJson = "KB3003";
    public const string TemplateFileMissing = "KB3004";
    public const string TemplateUnknownName = "KB3005";

    public const string FieldRequired = "KB4001";
    public const string FieldType = "KB4002";
    public const string FieldValue = "KB4003";
    public const string Phone = "KB4004";
    public const string GroupId = "KB4005";
    public const string Media = "KB4006";
    public const string UnknownActionType = "KB4007";
    public const string MediaOutsideFolder = "KB4009";
    public const string UnknownField = "KB4008";

    public const string DuplicateIdentity = "KB5001";
    public const string KeyEmpty = "KB5002";
    public const string UnknownAction = "KB5003";
    public const string NoRowSelected = "KB5004";

    /// <summary>A targets file's connector column names a connector the run file's pool does not have.</summary>
    public const string UnknownConnector = "KB5005";

    /// <summary>plan --check-groups: a target group the connection does not reach.</summary>
    public const string GroupUnreachable = "KB6001";

    /// <summary>plan --check-groups: a Job assignee who is not a member of the item's group.</summary>
    public const string NotAMember = "KB6002";

    /// <summary>The service refused the connection (credentials, a plain http URL to a host that is not loopback, ...).</summary>
    public const string ConnectionRefused = "KB7001";

    /// <summary>Another run holds the ledger (exit 3).</summary>
    public const string LedgerLocked = "KB7002";

    /// <summary>The ledger cannot be opened or read (not a ledger, a newer schema, permissions).</summary>
    public const string LedgerUnusable = "KB7003";

    /// <summary>A file the command was asked to write (plan --json/--html, export --out, report files) cannot be written.</summary>
    public const string OutputUnwritable = "KB7004";
}
