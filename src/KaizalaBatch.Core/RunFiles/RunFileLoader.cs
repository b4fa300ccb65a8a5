using System.Text.RegularExpressions;
using KaizalaBatch.Actions;
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

        new SchemaCheck().Check(root, diagnostics);
        var runFile = root is MappingToken mapping ? Build(mapping, fullPath, display, environment, diagnostics) : null;
        var failed = diagnostics.Exists(d => d.Severity == Severity.Error);
        return new LoadResult(failed ? null : runFile, diagnostics)
        {
            ForConnection = runFile is not null && diagnostics.TrueForAll(d => d.Severity != Severity.Error || IsMissingTargets(d, runFile))
                ? runFile
                : null,
        };
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
        var ledger = (root["ledger"] as StringToken)?.Value;
        var ledgerPath = System.IO.Path.GetFullPath(ledger is null ? name + ".ledger.db" : ledger, directory);

        foreach (var entry in root.Entries)
        {
            if (entry.Key.Value != "connection")
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

    private static ActionDefinition? BuildAction(MappingToken action, string directory, List<Diagnostic> diagnostics)
    {
        if (action["name"] is not StringToken name || name.Value.Length == 0)
        {
            return null; // the schema has reported it
        }
        var typeToken = action["type"] as StringToken;
        var rules = typeToken is null ? null : ActionRegistry.Find(typeToken.Value);
        var type = rules?.Type ?? typeToken?.Value ?? "";
        var packageEntry = action.Entry("packageId");
        var packageId = (packageEntry?.Value as StringToken)?.Value;
        if (rules is not null)
        {
            if (rules.IsCustom && packageId is null)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.PackageIdRequired,
                    $"action '{name.Value}' has type Custom and needs a packageId (the Action package id)", typeToken!.Location));
            }
            else if (!rules.IsCustom && packageEntry is not null)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.PackageIdNotAllowed,
                    $"action '{name.Value}' has type {type}; packageId belongs to type Custom only", packageEntry.Key.Location));
            }
        }
        var extraEntry = action.Entry("extra");
        if (extraEntry is not null && rules is not null && !rules.IsCustom)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.PackageIdNotAllowed,
                $"action '{name.Value}' has type {type}; extra belongs to type Custom only", extraEntry.Key.Location));
        }

        var bodyEntry = action.Entry("body");
        var templateEntry = action.Entry("bodyTemplate");
        string? templatePath = null;
        if (bodyEntry is not null && templateEntry is not null)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.BodyChoice,
                $"action '{name.Value}' has both body and bodyTemplate; give one of them", templateEntry.Key.Location));
        }
        else if (bodyEntry is null && templateEntry is null)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.BodyChoice,
                $"action '{name.Value}' has neither body nor bodyTemplate; give one of them", action.Location));
        }
        if (templateEntry?.Value is StringToken templateFile)
        {
            templatePath = System.IO.Path.GetFullPath(templateFile.Value, directory);
            if (!File.Exists(templatePath))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.TemplateFileMissing,
                    $"the bodyTemplate file '{templateFile.Value}' does not exist (looked for {templatePath})", templateFile.Location));
            }
        }

        var targets = action["targets"] as MappingToken;
        if (targets?["file"] is not StringToken file)
        {
            return null; // the schema has reported it
        }
        var csvPath = System.IO.Path.GetFullPath(file.Value, directory);
        if (!File.Exists(csvPath))
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.FileMissing,
                $"the targets file '{file.Value}' does not exist (looked for {csvPath})", file.Location));
        }
        var definition = new TargetsDefinition(
            csvPath,
            file.Value,
            (targets["groupId"] as StringToken)?.Value ?? TargetsDefinition.DefaultGroupIdColumn,
            (targets["groupBy"] as StringToken)?.Value,
            targets["where"] as StringToken,
            targets.Location);

        return new ActionDefinition(
            name.Value,
            type,
            packageId,
            definition,
            action["key"] as StringToken,
            bodyEntry?.Value as MappingToken,
            templatePath,
            templateEntry?.Value.Location,
            extraEntry?.Value as MappingToken,
            name.Location);
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
            limits["inDoubt"] is StringToken { Value: "resend" });
    }

    private static int? Integer(MappingToken mapping, string key) =>
        mapping[key] is LiteralToken { Value: { } value } && value.TryGetValue<long>(out var number) && number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : null;

    private static ConnectionSettings BuildConnection(MappingToken? connection, string directory, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        var timeout = TimeSpan.FromSeconds(ConnectionSettings.DefaultTimeoutSeconds);
        if (connection is null)
        {
            return new ConnectionSettings(true, ConnectionSettings.DefaultApiRoot, null, null, null, timeout);
        }
        if (Integer(connection, "timeoutSeconds") is { } seconds)
        {
            timeout = TimeSpan.FromSeconds(seconds);
        }
        var apiRootToken = connection["apiRoot"] as StringToken;
        var applicationIdToken = connection["applicationId"] as StringToken;
        var secretToken = connection["applicationSecret"] as StringToken;
        var refreshToken = connection["refreshToken"] as StringToken;
        // Without an explicit emulator flag, a connection that names no service means the emulator.
        var emulator = connection["emulator"] is LiteralToken { Value: { } flag } && flag.TryGetValue<bool>(out var b)
            ? b
            : apiRootToken is null && applicationIdToken is null && secretToken is null && refreshToken is null;

        var apiRoot = ConnectionSettings.DefaultApiRoot;
        if (apiRootToken is not null && Expand(apiRootToken, environment, diagnostics) is { } rootText)
        {
            if (!Uri.TryCreate(rootText, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema, "'connection.apiRoot' must be an absolute http(s) URL", apiRootToken.Location));
            }
            else if (parsed.Scheme == Uri.UriSchemeHttp && !parsed.IsLoopback)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.InsecureApiRoot,
                    $"'connection.apiRoot' uses plain http:// to {parsed.Host}; only loopback hosts may be reached without https", apiRootToken.Location));
            }
            else
            {
                apiRoot = parsed;
            }
        }
        var applicationId = applicationIdToken is null ? null : Expand(applicationIdToken, environment, diagnostics);
        var secret = SecretFrom(secretToken, environment, diagnostics);
        var refresh = SecretFrom(refreshToken, environment, diagnostics);
        if (!emulator)
        {
            foreach (var (key, present) in new[] { ("applicationId", applicationIdToken is not null), ("applicationSecret", secretToken is not null), ("refreshToken", refreshToken is not null) })
            {
                if (!present)
                {
                    diagnostics.Add(Diagnostic.Error(DiagnosticCodes.ConnectionIncomplete,
                        $"'connection.{key}' is required to reach the real service (or set emulator: true)", connection.Location));
                }
            }
        }
        return new ConnectionSettings(emulator, apiRoot, applicationId, secret, refresh, timeout)
        {
            EmulatorOrg = BuildEmulatorOrg(connection.Entry("emulatorOrg"), emulator, directory, diagnostics),
        };
    }

    /// <summary><c>connection.emulatorOrg</c>: true (a generated organisation of the default size), a number of groups,
    /// or an organisation file relative to the run file; only with the embedded emulator.</summary>
    private static EmulatorOrganisation? BuildEmulatorOrg(MappingEntry? entry, bool emulator, string directory, List<Diagnostic> diagnostics)
    {
        if (entry is null)
        {
            return null;
        }
        var location = entry.Value.Location;
        if (!emulator)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.Schema,
                "'connection.emulatorOrg' is for the embedded emulator (emulator: true); the real service has its own groups", entry.Key.Location));
            return null;
        }
        switch (entry.Value)
        {
            case LiteralToken { Value: { } flag } when flag.TryGetValue<bool>(out var on):
                return on ? new EmulatorOrganisation(null, EmulatorOrganisation.DefaultSize, location) : null;
            case LiteralToken { Value: { } number } when number.TryGetValue<long>(out var size) && size is >= 1 and <= 100_000:
                return new EmulatorOrganisation(null, (int)size, location);
            case StringToken { Value.Length: > 0 } file:
                var path = System.IO.Path.GetFullPath(file.Value, directory);
                if (!File.Exists(path))
                {
                    diagnostics.Add(Diagnostic.Error(DiagnosticCodes.FileMissing,
                        $"the organisation file '{file.Value}' does not exist (looked for {path})", location));
                    return null;
                }
                return new EmulatorOrganisation(path, 0, location);
            default:
                return null; // the schema has reported it
        }
    }

    private static Secret? SecretFrom(StringToken? token, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        if (token is null)
        {
            return null;
        }
        var match = EnvReference().Match(token.Value);
        if (!match.Success || match.Length != token.Value.Length)
        {
            return null; // the schema requires ${env:NAME} and has reported it, without echoing the value
        }
        var variable = match.Groups[1].Value;
        var value = environment(variable);
        if (string.IsNullOrEmpty(value))
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.EnvironmentMissing, $"the environment variable {variable} is not set", token.Location));
            return null;
        }
        return new Secret(value, "env:" + variable);
    }

    /// <summary>Replaces each <c>${env:NAME}</c> in a connection value; a missing variable is a diagnostic naming it.</summary>
    private static string? Expand(StringToken token, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        var ok = true;
        var result = EnvReference().Replace(token.Value, match =>
        {
            var variable = match.Groups[1].Value;
            var value = environment(variable);
            if (string.IsNullOrEmpty(value))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.EnvironmentMissing, $"the environment variable {variable} is not set", token.Location));
                ok = false;
                return "";
            }
            return value;
        });
        return ok ? result : null;
    }

    private static string? NormaliseCountryCode(string? code) =>
        code is null ? null : code.StartsWith('+') ? code : "+" + code;

    [GeneratedRegex(@"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvReference();
}
