using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using KaizalaBatch.Targets;
using Scriban;
using Scriban.Parsing;
using Token = KaizalaBatch.RunFiles.Token;
using Scriban.Runtime;
using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>What a template sees about the run: <c>run.name</c>, <c>run.startedAt</c>, <c>vars</c>, and the
/// phone country code for <c>phones</c>.</summary>
public sealed record TemplateGlobals(string RunName, DateTimeOffset StartedAt, MappingToken? Vars, string? CountryCode);

/// <summary>Renders compiled values for one action, row after row. One Scriban <see cref="TemplateContext"/> is
/// built per action and reused for every row (it is not thread-safe; use one scope per thread): the globals
/// (<c>vars</c>, <c>run</c>, <c>phones</c>) are read-only, and each item gets a fresh scratch scope holding
/// <c>row</c>, <c>rows</c> and <c>index</c>, where anything a template assigns also lands, so that nothing leaks
/// from one row into the next. Sandbox: <c>include</c> is refused, loops and recursion are bounded, and no
/// function reaches the environment, the file system or the network.</summary>
public sealed class TemplateScope
{
    public const int LoopLimit = 10_000;
    public const int RecursiveLimit = 64;
    public const int OutputLimit = 1_000_000;
    private const int MaxDepth = 64;

    private readonly ScriptObject globals;
    private readonly ScriptObject scratch = new(8);
    private readonly ScriptArray singleRow = new(1);
    private TemplateContext context;
    private readonly DateTime startedAt;

    private List<Diagnostic>? errors;
    private SourceLocation itemLocation = new("");
    private object itemDescription = "";

    public TemplateScope(TemplateGlobals run)
    {
        ArgumentNullException.ThrowIfNull(run);
        CountryCode = run.CountryCode;
        startedAt = run.StartedAt.UtcDateTime;
        globals = new ScriptObject();
        var runObject = new ScriptObject
        {
            ["name"] = run.RunName,
            ["startedAt"] = run.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        globals.SetValue("run", runObject, true);
        globals.SetValue("vars", run.Vars is null ? new ScriptObject() : ToScript(run.Vars), true);
        globals.Import("phones", new Func<object?, ScriptArray>(Phones));
        globals.SetReadOnly("phones", true);
        context = CreateContext();
    }

    public string? CountryCode { get; }

    private TemplateContext CreateContext()
    {
        var created = new TemplateContext
        {
            LoopLimit = LoopLimit,
            LoopLimitQueryable = LoopLimit,
            RecursiveLimit = RecursiveLimit,
            OutputLimit = OutputLimit,
            // Scriban truncates by default; a silently cut body would be sent as if it were right.
            OnOutputLimit = ScriptLimitBehavior.Throw,
            OnStringLimit = ScriptLimitBehavior.Throw,
            TemplateLoader = new RefusingTemplateLoader(),
            StrictVariables = false,
            EnableRelaxedMemberAccess = true,
            MemberRenamer = member => member.Name,
        };
        // date.now would make a template's output, and so its content hash, change on every run: it gives
        // run.startedAt instead (see RenderOptions.StartedAt).
        if (created.BuiltinObject["date"] is ScriptObject date)
        {
            foreach (var name in new[] { "now", "utc_now" })
            {
                date.SetReadOnly(name, false);
                date.Remove(name);
                date.Import(name, new Func<DateTime>(() => startedAt));
            }
        }
        created.PushGlobal(globals);
        created.PushGlobal(scratch);
        return created;
    }

    /// <summary>Points the scope at the next item. Render errors go to <paramref name="itemErrors"/> with
    /// <paramref name="location"/> (the CSV file and row) and <paramref name="description"/> in the message (an
    /// <see cref="ItemOrigin"/>, whose text is only built when there is an error).</summary>
    public void Begin(TargetGroup group, long index, List<Diagnostic> itemErrors, SourceLocation location, object description)
    {
        errors = itemErrors;
        itemLocation = location;
        itemDescription = description;
        scratch.Clear();
        var row = new RowScriptObject(group.First);
        scratch.SetValue("row", row, false);
        scratch.SetValue("index", index, false);
        if (group.Grouped)
        {
            var rows = new ScriptArray(group.Rows.Count);
            foreach (var member in group.Rows)
            {
                rows.Add(member == group.First ? row : new RowScriptObject(member));
            }
            scratch.SetValue("rows", rows, false);
        }
        else
        {
            if (singleRow.Count == 0)
            {
                singleRow.Add(row);
            }
            else
            {
                singleRow[0] = row;
            }
            scratch.SetValue("rows", singleRow, false);
        }
    }

    /// <summary>Renders a value into JSON: constants as written, lone expressions with their type, text templates
    /// as strings. Null when rendering failed (the error has been recorded) or the value is null.</summary>
    public JsonNode? Render(TemplateValue value, out bool failed)
    {
        failed = false;
        try
        {
            return RenderNode(value, 0);
        }
        catch (RenderFailure)
        {
            failed = true;
            return null;
        }
    }

    /// <summary>Renders a value as text (for keys): numbers in invariant form, null as "".</summary>
    public string? RenderText(TemplateValue value)
    {
        var node = Render(value, out var failed);
        if (failed)
        {
            return null;
        }
        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }

    /// <summary>Whether a row passes a <c>where</c> filter: false, null, "", "false" and 0 are false. Null when it failed.</summary>
    public bool? Test(TemplateValue value)
    {
        try
        {
            object? result = value switch
            {
                ConstantValue constant => constant.Value,
                ExpressionValue expression => Evaluate(expression.Expression, expression.Location),
                TextTemplateValue text => RenderTemplate(text.Template, text.Location),
                _ => RenderNode(value, 0),
            };
            return IsTruthy(result);
        }
        catch (RenderFailure)
        {
            return null;
        }
    }

    /// <summary>Renders a whole template file (bodyTemplate) to text. Null when it failed.</summary>
    public string? RenderFile(Template template, SourceLocation location)
    {
        try
        {
            return RenderTemplate(template, location);
        }
        catch (RenderFailure)
        {
            return null;
        }
    }

    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0 && !s.Equals("false", StringComparison.OrdinalIgnoreCase),
        int i => i != 0,
        long l => l != 0,
        double d => d != 0,
        decimal m => m != 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => IsTruthy(s),
        JsonValue v when v.TryGetValue<double>(out var d) => d != 0,
        _ => true,
    };

    private JsonNode? RenderNode(TemplateValue value, int depth)
    {
        switch (value)
        {
            case ConstantValue constant:
                return constant.Value switch
                {
                    null => null,
                    string s => JsonValue.Create(s),
                    bool b => JsonValue.Create(b),
                    long l => JsonValue.Create(l),
                    double d => JsonValue.Create(d),
                    _ => throw new InvalidOperationException($"unexpected constant {constant.Value.GetType()}"),
                };
            case ExpressionValue expression:
                return ToJson(Evaluate(expression.Expression, expression.Location), 0);
            case TextTemplateValue text:
                return JsonValue.Create(RenderTemplate(text.Template, text.Location));
            case ObjectValue obj:
                var result = new JsonObject();
                foreach (var (key, property) in obj.Properties)
                {
                    result[key] = RenderNode(property, depth + 1);
                }
                return result;
            case ArrayValue array:
                var items = new JsonArray();
                foreach (var item in array.Items)
                {
                    items.Add(RenderNode(item, depth + 1));
                }
                return items;
            default:
                throw new InvalidOperationException($"unknown template value {value.GetType().Name}");
        }
    }

    private object? Evaluate(ScriptExpression expression, SourceLocation location)
    {
        try
        {
            return context.Evaluate(expression);
        }
        catch (Exception exception) when (IsRenderError(exception))
        {
            throw Fail(exception, location);
        }
    }

    private string RenderTemplate(Template template, SourceLocation location)
    {
        try
        {
            return template.Render(context);
        }
        catch (Exception exception) when (IsRenderError(exception))
        {
            throw Fail(exception, location);
        }
    }

    /// <summary>Whatever a user's template makes Scriban or a builtin function throw is the user's mistake, reported
    /// on the row. Cancellation, out-of-memory and our own unwinding are not.</summary>
    private static bool IsRenderError(Exception exception) =>
        exception is not (OperationCanceledException or OutOfMemoryException or RenderFailure or StackOverflowException);

    private RenderFailure Fail(Exception exception, SourceLocation templateLocation)
    {
        var message = exception is ScriptRuntimeException runtime ? runtime.OriginalMessage : exception.Message;
        errors?.Add(Diagnostic.Error(DiagnosticCodes.TemplateRender,
            $"the template at {templateLocation} failed: {message} ({itemDescription})", itemLocation));
        // A context that threw may be inside a loop or function; start clean for the next row.
        context = CreateContext();
        return new RenderFailure();
    }

    /// <summary>The template function <c>phones</c>: a cell (or a list of cells) split on ; , | and whitespace,
    /// each number normalised to +digits with the run's default country code.</summary>
    private ScriptArray Phones(object? value)
    {
        var result = new ScriptArray();
        switch (value)
        {
            case null:
                break;
            case string text:
                foreach (var number in PhoneNumbers.Split(text, CountryCode))
                {
                    result.Add(number);
                }
                break;
            case IEnumerable list:
                foreach (var item in list)
                {
                    foreach (var number in PhoneNumbers.Split(Convert.ToString(item, CultureInfo.InvariantCulture), CountryCode))
                    {
                        result.Add(number);
                    }
                }
                break;
            default:
                foreach (var number in PhoneNumbers.Split(Convert.ToString(value, CultureInfo.InvariantCulture), CountryCode))
                {
                    result.Add(number);
                }
                break;
        }
        return result;
    }

    /// <summary>A Scriban result as JSON: integers as 64-bit integers, other numbers as doubles (decimals kept),
    /// lists as arrays, objects (a row, a script object, a dictionary) as objects.</summary>
    private JsonNode? ToJson(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Fail(new InvalidOperationException($"the value nests deeper than {MaxDepth} levels"), itemLocation);
        }
        switch (value)
        {
            case null:
                return null;
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int or long or short or byte or sbyte or uint or ushort:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u:
                return u <= long.MaxValue ? JsonValue.Create((long)u) : JsonValue.Create((decimal)u);
            case double d:
                return double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture));
            case float f:
                return double.IsFinite(f) ? JsonValue.Create((double)f) : JsonValue.Create(f.ToString(CultureInfo.InvariantCulture));
            case decimal m:
                return JsonValue.Create(m);
            case BigInteger big:
                return big >= long.MinValue && big <= long.MaxValue ? JsonValue.Create((long)big) : JsonValue.Create(big.ToString(CultureInfo.InvariantCulture));
            case DateTime time:
                return JsonValue.Create(time.ToString("o", CultureInfo.InvariantCulture));
            case DateTimeOffset offset:
                return JsonValue.Create(offset.ToString("o", CultureInfo.InvariantCulture));
            case JsonNode node:
                return node.DeepClone();
            case RowScriptObject row:
                var rowObject = new JsonObject();
                for (var i = 0; i < row.Row.Columns.Count; i++)
                {
                    rowObject[row.Row.Columns.Names[i]] = row.Row.Values[i];
                }
                return rowObject;
            case ScriptArray or IList:
                return ToJsonArray((IEnumerable)value, depth);
            case IScriptObject script:
                var obj = new JsonObject();
                foreach (var member in script.GetMembers())
                {
                    if (script.TryGetValue(context, new SourceSpan(), member, out var memberValue) && memberValue is not IScriptCustomFunction)
                    {
                        obj[member] = ToJson(memberValue, depth + 1);
                    }
                }
                return obj;
            case IDictionary dictionary:
                var fromDictionary = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    fromDictionary[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToJson(entry.Value, depth + 1);
                }
                return fromDictionary;
            case IEnumerable list:
                return ToJsonArray(list, depth);
            default:
                return JsonValue.Create(context.ObjectToString(value));
        }
    }

    private JsonArray ToJsonArray(IEnumerable list, int depth)
    {
        var array = new JsonArray();
        var count = 0;
        foreach (var item in list)
        {
            if (++count > LoopLimit)
            {
                throw Fail(new InvalidOperationException($"the list has more than {LoopLimit} items"), itemLocation);
            }
            array.Add(ToJson(item, depth + 1));
        }
        return array;
    }

    private static object ToScript(Token token) => token switch
    {
        MappingToken mapping => ToScriptObject(mapping),
        SequenceToken sequence => new ScriptArray(sequence.Items.Select(ToScriptOrNull)),
        StringToken text => text.Value,
        LiteralToken { Value: null } => null!,
        LiteralToken literal when literal.Value!.TryGetValue<bool>(out var b) => b,
        LiteralToken literal when literal.Value!.TryGetValue<long>(out var l) => l,
        LiteralToken literal when literal.Value!.TryGetValue<double>(out var d) => d,
        LiteralToken literal => literal.Text,
        _ => throw new InvalidOperationException($"unknown token {token.GetType().Name}"),
    };

    private static object? ToScriptOrNull(Token token) => token is LiteralToken { Value: null } ? null : ToScript(token);

    private static ScriptObject ToScriptObject(MappingToken mapping)
    {
        var obj = new ScriptObject();
        foreach (var entry in mapping.Entries)
        {
            obj.SetValue(entry.Key.Value, ToScriptOrNull(entry.Value), true);
        }
        return obj;
    }

    /// <summary>Thrown inside the scope to unwind one item's rendering after its error has been recorded.</summary>
    private sealed class RenderFailure : Exception;

    /// <summary>Templates may not include other files.</summary>
    private sealed class RefusingTemplateLoader : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
            throw new ScriptRuntimeException(callerSpan, $"include '{templateName}' is not allowed: templates cannot read files");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            throw new ScriptRuntimeException(callerSpan, "include is not allowed: templates cannot read files");

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            throw new ScriptRuntimeException(callerSpan, "include is not allowed: templates cannot read files");
    }
}
