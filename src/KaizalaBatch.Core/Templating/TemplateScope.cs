using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.Targets;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>Renders compiled values for one action, row after row. One Scriban <see cref="TemplateContext"/> is
/// built per action and reused for every row (it is not thread-safe; use one scope per thread): the globals
/// (<c>vars</c>, <c>run</c>, <c>phones</c>) are read-only, and each item gets a fresh scratch scope holding
/// <c>row</c>, <c>rows</c> and <c>index</c>, where anything a template assigns also lands, so that nothing leaks
/// from one row into the next. Sandbox: <c>include</c> is refused, loops and recursion are bounded, and no
/// function reaches the environment, the file system or the network (TemplateScope.Sandbox.cs).</summary>
public sealed partial class TemplateScope
{
    private readonly TemplateGlobals run;
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
        this.run = run;
        CountryCode = run.CountryCode;
        startedAt = run.StartedAt.UtcDateTime;
        globals = run.ToScriptObject();
        context = CreateContext();
    }

    public string? CountryCode { get; }

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
                return JsonValue.Create(RenderText(text));
            // By index: a foreach over the IReadOnlyList boxes an enumerator, a dozen a row in a Survey.
            case ObjectValue obj:
                var result = new JsonObject();
                for (var i = 0; i < obj.Properties.Count; i++)
                {
                    var (key, property) = obj.Properties[i];
                    result[key] = RenderNode(property, depth + 1);
                }
                return result;
            case ArrayValue array:
                var items = new JsonArray();
                for (var i = 0; i < array.Items.Count; i++)
                {
                    items.Add(RenderNode(array.Items[i], depth + 1));
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

    /// <summary>Thrown inside the scope to unwind one item's rendering after its error has been recorded.</summary>
    private sealed class RenderFailure : Exception;
}
