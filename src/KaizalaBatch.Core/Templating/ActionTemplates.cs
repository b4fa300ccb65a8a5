using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using Scriban;

namespace KaizalaBatch.Templating;

/// <summary>Every template of one action, parsed once before any row: the <c>body:</c> (or the <c>bodyTemplate</c>
/// file), <c>extra</c>, <c>key</c> and <c>targets.where</c>.</summary>
public sealed record ActionTemplates(TemplateValue? Body, Template? BodyTemplate, TemplateValue? Extra, TemplateValue? Key, TemplateValue? Where)
{
    /// <summary>Parses every template of an action once. Null (after reporting) when any of them does not parse.</summary>
    public static ActionTemplates? Compile(ActionDefinition action, Action<Diagnostic> fileDiagnostics)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(fileDiagnostics);
        var diagnostics = new List<Diagnostic>();
        var compiler = new TemplateCompiler(diagnostics);
        var body = action.Body is null ? null : compiler.Compile(action.Body);
        Template? bodyTemplate = null;
        if (action.BodyTemplatePath is { } path)
        {
            var display = Path.GetFileName(path);
            try
            {
                bodyTemplate = compiler.CompileFile(File.ReadAllText(path), display);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.TemplateFileMissing, $"the bodyTemplate file cannot be read: {exception.Message}",
                    action.BodyTemplateLocation ?? new SourceLocation(display)));
            }
        }
        var extra = action.Extra is null ? null : compiler.Compile(action.Extra);
        var key = action.Key is null ? null : compiler.CompileString(action.Key);
        var where = action.Targets.Where is null ? null : compiler.CompileString(AsExpression(action.Targets.Where));
        foreach (var diagnostic in diagnostics)
        {
            fileDiagnostics(diagnostic);
        }
        return diagnostics.Count > 0 ? null : new ActionTemplates(body, bodyTemplate, extra, key, where);
    }

    /// <summary>A <c>where</c> written without braces (<c>row.region == 'APAC'</c>) is an expression too; as a
    /// literal string it would pass every row, which is never what was meant.</summary>
    private static StringToken AsExpression(StringToken where) =>
        TemplateCompiler.IsTemplate(where.Value)
            ? where
            : where with { Value = "{{ " + where.Value + " }}", ContentColumn = where.ContentColumn - 3 };

    /// <summary>Strict templates: every name each template reads exists (the CSV header is known now). Reported once
    /// per template, before any row is rendered; false when any is missing.</summary>
    public bool NamesExist(ActionDefinition action, TemplateNames names, Action<Diagnostic> fileDiagnostics)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(fileDiagnostics);
        var missing = 0;
        void Report(Diagnostic diagnostic)
        {
            missing++;
            fileDiagnostics(diagnostic);
        }
        TemplateChecker.Check(Where, names, Report);
        TemplateChecker.Check(Key, names, Report);
        TemplateChecker.Check(Body, names, Report);
        TemplateChecker.Check(Extra, names, Report);
        if (BodyTemplate is { } template)
        {
            TemplateChecker.CheckFile(template, Path.GetFileName(action.BodyTemplatePath!), names, Report);
        }
        return missing == 0;
    }

    /// <summary><c>targets.where</c> as a test of one row, rendered in a scope of its own (false, null, "", "false"
    /// and 0 fail); null when the action has no <c>where</c>. A row the template fails on is reported to
    /// <paramref name="fileDiagnostics"/> and does not pass.</summary>
    public Func<TargetRow, bool>? WhereTest(ActionDefinition action, TemplateGlobals globals, Action<Diagnostic> fileDiagnostics)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(fileDiagnostics);
        if (Where is not { } where)
        {
            return null;
        }
        var scope = new TemplateScope(globals);
        var errors = new List<Diagnostic>();
        return row =>
        {
            errors.Clear();
            var location = new SourceLocation(action.Targets.DisplayFile, (int)row.Line, Row: row.Row);
            scope.Begin(new TargetGroup(row, [row], false), -1, errors, location, new ItemOrigin(action.Name, action.Targets.DisplayFile, [row.Row], "where"));
            var pass = scope.Test(where);
            foreach (var error in errors)
            {
                fileDiagnostics(error);
            }
            return pass == true;
        };
    }
}
