using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.RunFiles;

/// <summary><c>ledger:</c>: a file path relative to the run file, or a PostgreSQL URL whose password, if it has one, is
/// <c>${env:NAME}</c> (a password written out in the run file is refused without being echoed).</summary>
public static partial class RunFileLoader
{
    private static (string Location, Secret? Password) BuildLedger(StringToken? ledger, string name, string directory,
        Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        if (ledger is null || !LedgerLocation.IsDatabase(ledger.Value))
        {
            return (System.IO.Path.GetFullPath(ledger?.Value ?? name + ".ledger.db", directory), null);
        }
        var parts = LedgerLocation.Split(ledger.Value)!.Value;
        Secret? password = null;
        if (parts.Password is { } written)
        {
            var match = EnvReference().Match(written);
            if (match.Success && match.Length == written.Length)
            {
                password = SecretFrom(ledger with { Value = written }, environment, diagnostics);
            }
            else
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema,
                    "the ledger URL holds a password: a password never goes in the run file; write ${env:NAME} in its place, " +
                    "or leave it out and set PGPASSWORD (or ~/.pgpass)", ledger.Location));
            }
        }
        var user = Expand(ledger with { Value = parts.User }, environment, diagnostics) ?? "";
        var rest = Expand(ledger with { Value = parts.Address }, environment, diagnostics) ?? "";
        var url = parts.Scheme.ToLowerInvariant() + (user.Length > 0 ? user + "@" : "") + rest;
        if (LedgerLocation.DatabaseName(url) is null)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema,
                "'ledger' as a database is a URL that names the server and the database: postgresql://user@host:port/database",
                ledger.Location));
        }
        return (url, password);
    }
}
