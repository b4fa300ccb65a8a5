using System.Collections.Frozen;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>What an action's templates may read, known before any row is rendered: the CSV's columns, the run file's
/// <c>vars</c>, and whether rows are grouped (only then is <c>rows</c> set).</summary>
public sealed record TemplateNames(string CsvFile, CsvColumns Columns, MappingToken? Vars, bool Grouped);

/// <summary>Strict templates, decided once per template from the CSV header and the template's syntax tree, not row
/// by row: every name a template reads must exist (a CSV column through <c>row</c>, a key of <c>vars</c>, a member of
/// <c>run</c>, a function, a variable the template assigns itself), else it is one input error at the template's own
/// place, naming what exists and the closest name. The explicit fallback is Scriban's <c>??</c>: the left side of
/// <c>row.x ?? "default"</c> may name a column (or vars key) that does not exist. Names chosen at render time
/// (<c>row[some_variable]</c>) cannot be known here and are not checked.</summary>
public static class TemplateChecker
{
    private static readonly FrozenDictionary<string, FrozenSet<string>?> Builtins = ReadBuiltins();

    private static readonly FrozenSet<string> RunMembers = FrozenSet.Create(StringComparer.Ordinal, "name", "startedAt");

    /// <summary>The names a template sees besides the builtins.</summary>
    private static readonly string[] Roots = ["row", "rows", "index", "vars", "run", "phones"];

    /// <summary>Checks a compiled value (a body, a key, a where filter); reports each unknown name once.</summary>
    public static void Check(TemplateValue? value, TemplateNames names, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(report);
        switch (value)
        {
            case ExpressionValue expression:
                new Walker(names, expression.Origin, report).Run(expression.Expression);
                break;
            case TextTemplateValue text:
                new Walker(names, text.Origin, report).Run(text.Template.Page);
                break;
            case ObjectValue obj:
                foreach (var (_, property) in obj.Properties)
                {
                    Check(property, names, report);
                }
                break;
            case ArrayValue array:
                foreach (var item in array.Items)
                {
                    Check(item, names, report);
                }
                break;
        }
    }

    /// <summary>Checks a template file (bodyTemplate).</summary>
    public static void CheckFile(Template template, string displayFile, TemplateNames names, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(template);
        new Walker(names, new TemplateOrigin(displayFile, 1, 1), report).Run(template.Page);
    }

    private static FrozenDictionary<string, FrozenSet<string>?> ReadBuiltins()
    {
        var builtins = new Dictionary<string, FrozenSet<string>?>(StringComparer.Ordinal);
        var builtin = new TemplateContext().BuiltinObject;
        foreach (var name in builtin.GetMembers())
        {
            builtins[name] = builtin[name] is ScriptObject members
                ? members.GetMembers().ToFrozenSet(StringComparer.Ordinal)
                : null;
        }
        return builtins.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>What an expression is known to be.</summary>
    private abstract record Shape
    {
        public static readonly Shape Unknown = new UnknownShape();
    }

    private sealed record UnknownShape : Shape;

    private sealed record RowShape : Shape;

    private sealed record RowsShape : Shape;

    private sealed record VarsShape(MappingToken? Mapping, string Path) : Shape;

    /// <summary>An object with a fixed set of members: <c>run</c>, a builtin such as <c>string</c>.</summary>
    private sealed record MembersShape(string Name, FrozenSet<string> Members, string Kind) : Shape;

    private sealed class Walker(TemplateNames names, TemplateOrigin origin, Action<Diagnostic> report)
    {
        private readonly Dictionary<string, Shape> locals = new(StringComparer.Ordinal);
        private readonly HashSet<string> reported = new(StringComparer.Ordinal);

        public void Run(ScriptNode? root)
        {
            if (root is null)
            {
                return;
            }
            CollectLocals(root);
            Eval(root, optional: false);
        }

        /// <summary>Every variable the template assigns (anywhere: a loop may read it before the assignment in the text).</summary>
        private void CollectLocals(ScriptNode node)
        {
            switch (node)
            {
                case ScriptAssignExpression { Target: ScriptVariableGlobal target }:
                    locals.TryAdd(target.Name, Shape.Unknown);
                    break;
                case ScriptForStatement { Variable: ScriptVariableGlobal loop } forStatement:
                    locals[loop.Name] = forStatement.Iterator is ScriptVariableGlobal { Name: "rows" } ? new RowShape() : Shape.Unknown;
                    break;
                case ScriptCaptureStatement { Target: ScriptVariableGlobal captured }:
                    locals.TryAdd(captured.Name, Shape.Unknown);
                    break;
                case ScriptFunction function:
                    if (function.NameOrDoToken is ScriptVariableGlobal functionName)
                    {
                        locals.TryAdd(functionName.Name, Shape.Unknown);
                    }
                    foreach (var parameter in function.Parameters ?? [])
                    {
                        if (parameter.Name is ScriptVariableGlobal parameterName)
                        {
                            locals.TryAdd(parameterName.Name, Shape.Unknown);
                        }
                    }
                    break;
            }
            for (var i = 0; i < node.ChildrenCount; i++)
            {
                if (node.GetChildren(i) is { } child)
                {
                    CollectLocals(child);
                }
            }
        }

        private Shape Eval(ScriptNode? node, bool optional)
        {
            switch (node)
            {
                case null:
                    return Shape.Unknown;
                case ScriptVariableGlobal variable:
                    return Variable(variable);
                case ScriptMemberExpression member:
                {
                    var target = Eval(member.Target, optional);
                    return member.Member is ScriptVariable name ? Member(target, name.Name, name, optional) : Shape.Unknown;
                }
                case ScriptIndexerExpression indexer:
                {
                    var target = Eval(indexer.Target, optional);
                    Eval(indexer.Index, optional: false);
                    if (indexer.Index is ScriptLiteral { Value: string key })
                    {
                        return Member(target, key, indexer.Index, optional);
                    }
                    return target is RowsShape ? new RowShape() : Shape.Unknown;
                }
                case ScriptBinaryExpression { Operator: ScriptBinaryOperator.EmptyCoalescing } coalescing:
                    Eval(coalescing.Left, optional: true);
                    Eval(coalescing.Right, optional: false);
                    return Shape.Unknown;
                case ScriptForStatement forStatement:
                    // The loop variable is a local (collected above); everything else is read.
                    for (var i = 0; i < forStatement.ChildrenCount; i++)
                    {
                        if (forStatement.GetChildren(i) is { } child && !ReferenceEquals(child, forStatement.Variable))
                        {
                            Eval(child, optional: false);
                        }
                    }
                    return Shape.Unknown;
                case ScriptAssignExpression { Target: ScriptVariableGlobal } assign:
                    Eval(assign.Value, optional: false);
                    return Shape.Unknown;
                case ScriptObjectMember objectMember:
                    // { file: row.doc }: the key names a member of the new object, not a variable; only the value is read.
                    Eval(objectMember.Value, optional: false);
                    return Shape.Unknown;
                case ScriptFunction:
                case ScriptCaptureStatement { Target: ScriptVariableGlobal }:
                    // Parameters, names and captures are locals; their bodies are read.
                    for (var i = 0; i < node.ChildrenCount; i++)
                    {
                        if (node.GetChildren(i) is { } child and not ScriptVariableGlobal and not ScriptParameter)
                        {
                            Eval(child, optional: false);
                        }
                    }
                    return Shape.Unknown;
                default:
                    for (var i = 0; i < node.ChildrenCount; i++)
                    {
                        Eval(node.GetChildren(i), optional: false);
                    }
                    return Shape.Unknown;
            }
        }

        private Shape Variable(ScriptVariableGlobal variable)
        {
            var name = variable.Name;
            if (locals.TryGetValue(name, out var local))
            {
                return local;
            }
            switch (name)
            {
                case "row":
                    return new RowShape();
                case "rows":
                    if (!names.Grouped)
                    {
                        Report(variable, "rows", "'rows' is only set when targets.groupBy groups rows into one item; without groupBy use 'row'");
                    }
                    return new RowsShape();
                case "vars":
                    return new VarsShape(names.Vars, "vars");
                case "run":
                    return new MembersShape("run", RunMembers, "member");
                case "index" or "phones" or "for" or "while" or "tablerow":
                    return Shape.Unknown;
                case "include":
                    Report(variable, name, "include is not allowed: templates cannot read files (use a bodyTemplate file for a whole body)");
                    return Shape.Unknown;
            }
            if (Builtins.TryGetValue(name, out var members))
            {
                return members is null ? Shape.Unknown : new MembersShape(name, members, "function");
            }
            var known = Roots.Concat(Builtins.Keys).Concat(locals.Keys).ToList();
            Report(variable, name, $"'{name}' is not a variable or function here{Suggestion.DidYouMean(name, known)}; a template reads row, " +
                (names.Grouped ? "rows, " : "") + "index, vars, run, phones, the variables it assigns, and Scriban's builtins (string, array, math, date, ...)");
            return Shape.Unknown;
        }

        private Shape Member(Shape target, string member, ScriptNode at, bool optional)
        {
            switch (target)
            {
                case RowShape:
                    if (names.Columns.IndexOf(member) < 0 && !optional)
                    {
                        Report(at, "row." + member, $"{names.CsvFile} has no column '{member}'{Suggestion.DidYouMean(member, names.Columns.Names)}; " +
                            $"its columns are {string.Join(", ", names.Columns.Names)} (write row.{member} ?? \"\" where a column may be missing)");
                    }
                    return Shape.Unknown;
                case VarsShape vars:
                    var keys = vars.Mapping?.Entries.Select(e => e.Key.Value).ToList() ?? [];
                    if (vars.Mapping?.Entry(member) is { } entry)
                    {
                        return entry.Value is MappingToken nested ? new VarsShape(nested, vars.Path + "." + member) : Shape.Unknown;
                    }
                    if (!optional)
                    {
                        var has = keys.Count == 0 ? "it has no keys" : $"it has {string.Join(", ", keys)}";
                        Report(at, vars.Path + "." + member, $"{vars.Path} has no key '{member}'{Suggestion.DidYouMean(member, keys)}; {has}");
                    }
                    return Shape.Unknown;
                case MembersShape fixedMembers:
                    if (!fixedMembers.Members.Contains(member) && !optional)
                    {
                        Report(at, fixedMembers.Name + "." + member, $"{fixedMembers.Name} has no {fixedMembers.Kind} '{member}'" +
                            Suggestion.DidYouMean(member, fixedMembers.Members));
                    }
                    return Shape.Unknown;
                default:
                    return Shape.Unknown;
            }
        }

        private void Report(ScriptNode at, string name, string message)
        {
            if (reported.Add(name))
            {
                report(Diagnostic.Error(DiagnosticCodes.TemplateUnknownName, message, origin.At(at.Span.Start)));
            }
        }
    }
}
