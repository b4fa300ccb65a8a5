using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.RunFiles;

/// <summary>Reads a run file: YAML syntax, then the schema, then the rules the schema cannot say (unique names,
/// packageId only for Custom, body or bodyTemplate, files that must exist, secrets from the environment).
/// Every problem is collected and reported together; nothing a user writes makes it throw.</summary>
public static partial class RunFileLoader
{
    /// <summary>The largest run file read: 1 MiB.</summary>
    public const long MaxRunFileBytes = 1024 * 1024;

    /// <summary>The text of <c>runner.schema.json</c> (draft-07), for <c>kaizala-batch schema</c>.</summary>
    public static string SchemaJson => SchemaCheck.SchemaText;

    /// <param name="path">The run file.</param>
    /// <param name="environment">Looks up an environment variable (for <c>${env:NAME}</c>); pass
    /// <c>Environment.GetEnvironmentVariable</c> in the CLI and a dictionary in tests.</param>
    public static LoadResult Load(string path, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(environment);
        var diagnostics = new List<Diagnostic>();
        var fullPath = System.IO.Path.GetFullPath(path);
        var display = path;
        string text;
        try
        {
            var size = new FileInfo(fullPath).Length;
            if (size > MaxRunFileBytes)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.InputTooLarge,
                    $"the run file is {size:N0} bytes; the limit is {MaxRunFileBytes:N0} bytes (1 MiB): put long texts in a bodyTemplate file or the CSV",
                    new SourceLocation(display)));
                return new LoadResult(null, diagnostics);
            }
            text = File.ReadAllText(fullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.RunFileMissing,
                exception is FileNotFoundException or DirectoryNotFoundException ? "the run file does not exist" : $"the run file cannot be read: {exception.Message}",
                new SourceLocation(display)));
            return new LoadResult(null, diagnostics);
        }

        var root = YamlTokenReader.Read(display, text, diagnostics);
        if (root is null)
        {
            if (diagnostics.Count == 0)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema, "the run file is empty", new SourceLocation(display, 1, 1)));
            }
            return new LoadResult(null, diagnostics);
        }

        var runFile = CheckAndBuild(root, fullPath, display, environment, diagnostics);
        var failed = diagnostics.Exists(d => d.Severity == Severity.Error);
        return new LoadResult(failed ? null : runFile, diagnostics)
        {
            ForConnection = runFile is not null && diagnostics.TrueForAll(d => d.Severity != Severity.Error || IsMissingTargets(d, runFile))
                ? runFile
                : null,
        };
    }

    /// <summary>The schema check, then the typed reading, their diagnostics in that order.</summary>
    private static RunFile? CheckAndBuild(Token root, string fullPath, string display, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        SchemaCheck.Shared.Check(root, diagnostics);
        return root is MappingToken typed ? Build(typed, fullPath, display, environment, diagnostics) : null;
    }

    /// <summary>The error of a targets file that does not exist (yet): what <c>groups</c> is about to write.</summary>
    internal static bool IsMissingTargets(Diagnostic diagnostic, RunFile runFile) =>
        diagnostic.Code == DiagnosticCodes.FileMissing
        && runFile.Actions.Any(a => !File.Exists(a.Targets.File)
            && diagnostic.Message.StartsWith($"the targets file '{a.Targets.DisplayFile}'", StringComparison.Ordinal));

    private static RunFile? Build(MappingToken root, string fullPath, string display, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        var directory = System.IO.Path.GetDirectoryName(fullPath)!;
        var version = (root["version"] as LiteralToken)?.Value is { } v && v.TryGetValue<long>(out var number) ? (int)number : 1;
        var name = (root["name"] as StringToken)?.Value ?? "run";
        var connection = BuildConnection(root["connection"] as MappingToken, directory, environment, diagnostics);
        var limits = BuildLimits(root["limits"] as MappingToken);
        var phoneDefaults = new PhoneDefaults(NormaliseCountryCode(((root["phoneDefaults"] as MappingToken)?["countryCode"] as StringToken)?.Value));
        var (ledgerPath, ledgerPassword) = BuildLedger(root["ledger"] as StringToken, name, directory, environment, diagnostics);

        foreach (var entry in root.Entries)
        {
            // A database ledger's URL reads ${env:NAME} too (its password, say); a file path does not.
            if (entry.Key.Value != "connection" && !(entry.Key.Value == "ledger" && LedgerLocation.IsDatabase(ledgerPath)))
            {
                WarnAboutEnvironmentReferences(entry.Value, diagnostics);
            }
        }

        var actions = new List<ActionDefinition>();
        var names = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        if (root["actions"] is SequenceToken sequence)
        {
            foreach (var item in sequence.Items)
            {
                if (item is MappingToken action && BuildAction(action, directory, diagnostics) is { } definition)
                {
                    if (names.TryGetValue(definition.Name, out var first))
                    {
                        diagnostics.Add(Diagnostic.Error(DiagnosticCodes.DuplicateActionName,
                            $"the action name '{definition.Name}' is already used at line {first.Line}; action names must be unique",
                            definition.Location));
                        continue;
                    }
                    names.Add(definition.Name, definition.Location);
                    actions.Add(definition);
                }
            }
        }
        return new RunFile(fullPath, directory, version, name, connection, limits, root["vars"] as MappingToken, phoneDefaults, actions, ledgerPath)
        {
            MediaRoot = BuildMediaRoot(root["mediaRoot"] as StringToken, directory, diagnostics),
            KeepPayloads = root["keepPayloads"] is LiteralToken { Value: { } keep } && keep.TryGetValue<bool>(out var kept) ? kept : true,
            LedgerPassword = ledgerPassword,
        };
    }

    /// <summary><c>mediaRoot:</c>, the folder media paths are found in (relative to the run file); it must exist.</summary>
    private static string? BuildMediaRoot(StringToken? mediaRoot, string directory, List<Diagnostic> diagnostics)
    {
        if (mediaRoot is null)
        {
            return null;
        }
        string path;
        try
        {
            path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(mediaRoot.Value, directory));
        }
        catch (ArgumentException)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.FileMissing, $"the mediaRoot '{mediaRoot.Value}' is not a valid path", mediaRoot.Location));
            return null;
        }
        if (!Directory.Exists(path))
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.FileMissing,
                $"the mediaRoot folder '{mediaRoot.Value}' does not exist (looked for {path})", mediaRoot.Location));
            return null;
        }
        return path;
    }

    /// <summary><c>${env:NAME}</c> is read in <c>connection</c> only (secrets never reach a body); anywhere else it
    /// would be sent as literal text, which is never what was meant.</summary>
    private static void WarnAboutEnvironmentReferences(Token token, List<Diagnostic> diagnostics)
    {
        switch (token)
        {
            case StringToken text when text.Value.Contains("${env:", StringComparison.Ordinal):
                diagnostics.Add(new Diagnostic(Severity.Warning, DiagnosticCodes.EnvironmentOutsideConnection,
                    "${env:...} is only read inside connection; here it stays literal text", text.Location));
                break;
            case MappingToken mapping:
                foreach (var entry in mapping.Entries)
                {
                    WarnAboutEnvironmentReferences(entry.Value, diagnostics);
                }
                break;
            case SequenceToken sequence:
                foreach (var item in sequence.Items)
                {
                    WarnAboutEnvironmentReferences(item, diagnostics);
                }
                break;
        }
    }

    private static RunLimits BuildLimits(MappingToken? limits)
    {
        var defaults = new RunLimits();
        if (limits is null)
        {
            return defaults;
        }
        return new RunLimits(
            Integer(limits, "perMinute") ?? defaults.PerMinute,
            Integer(limits, "concurrency") ?? defaults.Concurrency,
            Integer(limits, "maxAttempts") ?? defaults.MaxAttempts,
            Integer(limits, "maxErrors") ?? defaults.MaxErrors,
            limits["inDoubt"] is StringToken { Value: "resend" },
            Integer(limits, "tenantPerMinute"));
    }

    private static int? Integer(MappingToken mapping, string key) =>
        mapping[key] is LiteralToken { Value: { } value } && value.TryGetValue<long>(out var number) && number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : null;

    private static string? NormaliseCountryCode(string? code) =>
        code is null ? null : code.StartsWith('+') ? code : "+" + code;
}
