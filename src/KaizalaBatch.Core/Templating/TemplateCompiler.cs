using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;
using Scriban;
using Scriban.Parsing;
using Token = KaizalaBatch.RunFiles.Token;
using Scriban.Syntax;

namespace KaizalaBatch.Templating;

/// <summary>Compiles run file tokens into <see cref="TemplateValue"/>s, parsing each distinct template text once
/// (compiled templates are cached by their text; a syntax error is reported once per place it is written, at
/// the run file's line and column plus the error's offset inside the string).</summary>
public sealed class TemplateCompiler
{
    private readonly Dictionary<string, Template> cache = new(StringComparer.Ordinal);
    private readonly List<Diagnostic> diagnostics;

    public TemplateCompiler(List<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

    /// <summary>Whether a string needs Scriban at all. Everything else is copied as is.</summary>
    public static bool IsTemplate(string text) => text.Contains("{{", StringComparison.Ordinal);

    public TemplateValue? Compile(Token token) => token switch
    {
        StringToken text => CompileString(text),
        LiteralToken literal => new ConstantValue(ToClr(literal.Value), literal.Location),
        MappingToken mapping => CompileMapping(mapping),
        SequenceToken sequence => CompileSequence(sequence),
        _ => throw new InvalidOperationException($"unknown token {token.GetType().Name}"),
    };

    private ObjectValue CompileMapping(MappingToken mapping)
    {
        var properties = new List<KeyValuePair<string, TemplateValue>>(mapping.Entries.Count);
        foreach (var entry in mapping.Entries)
        {
            if (Compile(entry.Value) is { } value)
            {
                properties.Add(new(entry.Key.Value, value));
            }
        }
        return new ObjectValue(properties, mapping.Location);
    }

    private ArrayValue CompileSequence(SequenceToken sequence)
    {
        var items = new List<TemplateValue>(sequence.Items.Count);
        foreach (var item in sequence.Items)
        {
            if (Compile(item) is { } value)
            {
                items.Add(value);
            }
        }
        return new ArrayValue(items, sequence.Location);
    }

    /// <summary>A string: a literal, a lone typed expression, or a text template. Null after a syntax error.</summary>
    public TemplateValue? CompileString(StringToken token)
    {
        var text = token.Value;
        if (!IsTemplate(text))
        {
            return new ConstantValue(text, token.Location);
        }
        var origin = new TemplateOrigin(token.Location.File, token.ContentLine, token.ContentColumn);
        var template = Parse(text, origin);
        if (template is null)
        {
            return null;
        }
        if (LoneExpression(text, template) is { } expression)
        {
            return new ExpressionValue(text, expression, token.Location, origin);
        }
        return new TextTemplateValue(text, template, token.Location, origin);
    }

    /// <summary>Parses a whole template file (bodyTemplate). Null after a syntax error.</summary>
    public Template? CompileFile(string text, string displayFile) => Parse(text, new TemplateOrigin(displayFile, 1, 1));

    private Template? Parse(string text, TemplateOrigin origin)
    {
        if (cache.TryGetValue(text, out var cached))
        {
            return cached.HasErrors ? Report(cached, origin) : cached;
        }
        var template = Template.Parse(text, origin.File);
        cache[text] = template;
        return template.HasErrors ? Report(template, origin) : template;
    }

    private Template? Report(Template template, TemplateOrigin origin)
    {
        foreach (var message in template.Messages)
        {
            if (message.Type == ParserMessageType.Error)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.TemplateSyntax, $"template syntax error: {message.Message}", origin.At(message.Span.Start)));
            }
        }
        return null;
    }

    /// <summary>The expression of a string that is exactly <c>{{ expression }}</c>, or null.</summary>
    private static ScriptExpression? LoneExpression(string text, Template template)
    {
        if (!text.StartsWith("{{", StringComparison.Ordinal) || !text.EndsWith("}}", StringComparison.Ordinal))
        {
            return null;
        }
        if (text.IndexOf("{{", 2, StringComparison.Ordinal) >= 0)
        {
            return null;
        }
        var statements = template.Page?.Body?.Statements;
        if (statements is null)
        {
            return null;
        }
        ScriptExpressionStatement? lone = null;
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case ScriptExpressionStatement expressionStatement when lone is null:
                    lone = expressionStatement;
                    break;
                case ScriptEscapeStatement:
                    break; // the {{ and }} themselves
                case ScriptRawStatement raw when raw.ToString().Length == 0:
                    break;
                default:
                    return null;
            }
        }
        return lone?.Expression;
    }

    private static object? ToClr(JsonValue? value)
    {
        if (value is null)
        {
            return null;
        }
        if (value.TryGetValue<bool>(out var b))
        {
            return b;
        }
        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (value.TryGetValue<double>(out var d))
        {
            return d;
        }
        return value.ToJsonString();
    }
}
