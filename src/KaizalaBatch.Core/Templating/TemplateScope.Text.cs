using System.Runtime.CompilerServices;
using System.Text;
using Scriban;
using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>Text templates made only of text and expressions (<c>"Is the exit at {{ row.site }} clear?"</c>, nearly every
/// templated string of a run file), rendered by evaluating their expressions in order and joining the pieces: what
/// Scriban's page evaluation does for them, without its per-render set-up, which cost more than the expressions (about
/// 0.5 us a template, several templates a row). Anything else (control flow, assignments, indentation that Scriban would
/// repeat after line breaks) renders through Scriban as before. A test renders the same templates both ways.</summary>
public sealed partial class TemplateScope
{
    // Found once per parsed template (kept beside it rather than in the TemplateValue records, whose equality it would change).
    private static readonly ConditionalWeakTable<Template, DirectTemplate> Direct = [];

    private readonly StringBuilder textOutput = new();

    /// <summary>Whether simple text templates are rendered directly (the default); false renders every one through
    /// Scriban, for the tests that compare the two.</summary>
    internal bool DirectText { get; init; } = true;

    /// <summary>The statements to render directly: text and expressions whose value is written; null when the template
    /// has anything else, or text indented before a <c>{{</c> (Scriban's auto-indent would apply).</summary>
    internal static ScriptStatement[]? DirectParts(Template template)
    {
        if (template.Page?.Body?.Statements is not { } statements)
        {
            return null;
        }
        var parts = new List<ScriptStatement>(statements.Count);
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case ScriptEscapeStatement escape when string.IsNullOrEmpty(escape.Indent):
                    continue;
                case ScriptRawStatement raw:
                    if (raw.Text.Length > 0 && !string.IsNullOrEmpty(raw.Text.FullText))
                    {
                        parts.Add(raw);
                    }
                    continue;
                case ScriptExpressionStatement expression when expression.CanOutput && !expression.CanSkipEvaluation:
                    parts.Add(expression);
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
                if (part is ScriptRawStatement raw)
                {
                    textOutput.Append(raw.Text.FullText, raw.Text.Index, raw.Text.Length);
                }
                else if (context.Evaluate(part) is { } result)
                {
                    textOutput.Append(result as string ?? context.ObjectToString(result));
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

    private sealed record DirectTemplate(ScriptStatement[]? Parts);
}
