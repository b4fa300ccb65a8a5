using System.Runtime.CompilerServices;
using System.Text;
using Scriban;
using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>Text templates made only of text and expressions (<c>"Is the exit at {{ row.site }} clear?"</c>, nearly every
/// templated string of a run file), rendered by evaluating their expressions in order and joining the pieces: what
/// Scriban's page evaluation does for them, without its per-render set-up, which cost more than the expressions (about
/// 0.5 us a template, several templates a row). <c>phones X | array.join 'S'</c> is written straight into the output,
/// without Scriban's two function calls and the two lists between them (half of a row's Scriban time in the bench's
/// Survey). Anything else (control flow, assignments, indentation that Scriban would repeat after line breaks) renders
/// through Scriban as before. A test renders the same templates both ways.</summary>
public sealed partial class TemplateScope
{
    // Found once per parsed template (kept beside it rather than in the TemplateValue records, whose equality it would change).
    private static readonly ConditionalWeakTable<Template, DirectTemplate> Direct = [];

    private readonly StringBuilder textOutput = new();

    /// <summary>Whether simple text templates are rendered directly (the default); false renders every one through
    /// Scriban, for the tests that compare the two.</summary>
    internal bool DirectText { get; init; } = true;

    /// <summary>The pieces to render directly: text, expressions whose value is written, and phones joined; null when the
    /// template has anything else, or text indented before a <c>{{</c> (Scriban's auto-indent would apply).</summary>
    internal static DirectPart[]? DirectParts(Template template)
    {
        if (template.Page?.Body?.Statements is not { } statements)
        {
            return null;
        }
        var parts = new List<DirectPart>(statements.Count);
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case ScriptEscapeStatement escape when string.IsNullOrEmpty(escape.Indent):
                    continue;
                case ScriptRawStatement raw:
                    if (raw.Text.Length > 0 && !string.IsNullOrEmpty(raw.Text.FullText))
                    {
                        parts.Add(new TextPart(raw.Text.FullText.Substring(raw.Text.Index, raw.Text.Length)));
                    }
                    continue;
                case ScriptExpressionStatement expression when expression.CanOutput && !expression.CanSkipEvaluation:
                    parts.Add(expression.Expression is { } value && PhonesJoinedPart.Of(value) is { } phones ? phones : new ValuePart(expression));
                    continue;
                default:
                    return null;
            }
        }
        return [.. parts];
    }

    private string RenderText(TextTemplateValue value)
    {
        if (!DirectText || Direct.GetValue(value.Template, static t => new DirectTemplate(DirectParts(t))).Parts is not { } parts)
        {
            return RenderTemplate(value.Template, value.Location);
        }
        textOutput.Clear();
        try
        {
            foreach (var part in parts)
            {
                switch (part)
                {
                    case TextPart text:
                        textOutput.Append(text.Text);
                        break;
                    case PhonesJoinedPart phones:
                        run.AppendPhonesJoined(textOutput, context.Evaluate(phones.Cell), phones.Separator);
                        break;
                    case ValuePart expression when context.Evaluate(expression.Statement) is { } result:
                        textOutput.Append(result as string ?? context.ObjectToString(result));
                        break;
                }
                if (textOutput.Length > OutputLimit)
                {
                    return RenderTemplate(value.Template, value.Location); // the limit, and its message, as Scriban has them
                }
            }
        }
        catch (Exception exception) when (IsRenderError(exception))
        {
            throw Fail(exception, value.Location);
        }
        return textOutput.ToString();
    }

    private sealed record DirectTemplate(DirectPart[]? Parts);

    /// <summary>A piece of a template rendered directly.</summary>
    internal abstract record DirectPart;

    private sealed record TextPart(string Text) : DirectPart;

    /// <summary>An expression whose value is written as Scriban writes it.</summary>
    private sealed record ValuePart(ScriptExpressionStatement Statement) : DirectPart;

    /// <summary><c>phones CELL | array.join 'S'</c> (or <c>phones(CELL)</c>), CELL a member or index of a value
    /// (<c>row.contacts</c>, <c>row["Contacts"]</c>): the names are the sandbox's own (<c>phones</c> is a read-only
    /// global, <c>array</c> a builtin, and a direct template assigns nothing), so this is what Scriban would compute.</summary>
    private sealed record PhonesJoinedPart(ScriptExpression Cell, string Separator) : DirectPart
    {
        public static PhonesJoinedPart? Of(ScriptExpression expression) =>
            expression is ScriptPipeCall
            {
                From: ScriptFunctionCall { Target: ScriptVariableGlobal { Name: "phones" }, Arguments: [ScriptMemberExpression or ScriptIndexerExpression] phonesArguments },
                To: ScriptFunctionCall
                {
                    Target: ScriptMemberExpression { Target: ScriptVariableGlobal { Name: "array" }, Member: ScriptVariable { Name: "join" } },
                    Arguments: [ScriptLiteral { Value: string separator }],
                },
            }
                ? new PhonesJoinedPart(phonesArguments[0], separator)
                : null;
    }
}
