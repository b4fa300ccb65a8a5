using System.Text.RegularExpressions;

namespace KaizalaBatch.RunFiles;

/// <summary>What <c>ledger:</c> names: a SQLite file (a path, relative to the run file), or a PostgreSQL database,
/// <c>postgresql://user@host:port/database</c>, which several runners on several machines may share. A URL is kept as
/// written, less its password: the password comes from the environment (<c>${env:NAME}</c> in the URL, or libpq's own
/// <c>PGPASSWORD</c> and <c>~/.pgpass</c>), never from the run file, and is never printed.</summary>
public static partial class LedgerLocation
{
    /// <summary>True for a PostgreSQL URL (<c>postgresql://</c> or <c>postgres://</c>), false for a file path.</summary>
    public static bool IsDatabase(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The URL's parts: user (may be empty), password as written (null when there is none), and the rest
    /// (host, port, database, query); null when <paramref name="url"/> is not a database URL.</summary>
    public static (string Scheme, string User, string? Password, string Address)? Split(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var match = UrlParts().Match(url);
        if (!IsDatabase(url) || !match.Success)
        {
            return null;
        }
        return (match.Groups["scheme"].Value, match.Groups["user"].Value,
            match.Groups["password"].Success ? match.Groups["password"].Value : null, match.Groups["rest"].Value);
    }

    /// <summary>The URL as it may be printed: any password replaced by <c>***</c>.</summary>
    public static string Redact(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return Split(location) is { Password: not null } parts
            ? $"{parts.Scheme}{parts.User}:***@{parts.Address}"
            : location;
    }

    /// <summary>The database a URL names (its path), or null when it names none.</summary>
    public static string? DatabaseName(string url)
    {
        if (Split(url) is not { } parts)
        {
            return null;
        }
        var path = parts.Address.Split('?', 2)[0];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? "" : Uri.UnescapeDataString(path[(slash + 1)..]);
        return name.Length == 0 || name.Contains('/', StringComparison.Ordinal) ? null : name;
    }

    /// <summary>The stem of the files this machine keeps for a run beside its ledger (the rotated refresh token, the embedded
    /// emulator's state): the ledger file itself, or for a database <c>&lt;database&gt;.pg</c> in the run file's folder:
    /// each machine that shares a database ledger keeps its own.</summary>
    public static string LocalFilesStem(string location, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!IsDatabase(location))
        {
            return location;
        }
        var name = DatabaseName(location) ?? "ledger";
        var safe = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return System.IO.Path.Combine(runDirectory, safe + ".pg");
    }

    [GeneratedRegex(@"^(?<scheme>postgres(?:ql)?://)(?:(?<user>[^:@/?]*)(?::(?<password>[^@/?]*))?@)?(?<rest>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex UrlParts();
}
