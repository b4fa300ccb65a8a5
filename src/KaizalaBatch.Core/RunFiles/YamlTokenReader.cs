using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KaizalaBatch.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KaizalaBatch.RunFiles;

/// <summary>Reads YAML into <see cref="Token"/>s from the parser's event stream, so that every scalar, mapping and
/// sequence keeps its line and column, duplicate keys become diagnostics instead of exceptions, and plain scalars
/// resolve by the YAML 1.2 core schema (quoted scalars always stay strings).</summary>
internal static partial class YamlTokenReader
{
    private const string StrTag = "tag:yaml.org,2002:str";

    public static Token? Read(string file, TextReader text, List<Diagnostic> diagnostics)
    {
        var scanner = new Scanner(text);
        var parser = new Parser(scanner);
        var anchors = new Dictionary<string, Token>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(file, parser, anchors, diagnostics, depth: 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var next = parser.Current!;
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.UnsupportedYaml,
                    "the run file holds more than one YAML document; only the first is read",
                    At(file, next.Start)));
            }
            return root;
        }
        catch (YamlException exception)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.YamlSyntax, CleanMessage(exception), At(file, exception.Start)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some malformed input (a stray "{{" line
            // between mapping keys, found by the fuzzer); the scanner's position is where it gave up.
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.YamlSyntax,
                "the YAML cannot be read here (a stray '{', '[' or quote?)", At(file, scanner.CurrentPosition)));
            return null;
        }
    }

    private static Token ReadNode(string file, IParser parser, Dictionary<string, Token> anchors, List<Diagnostic> diagnostics, int depth)
    {
        if (depth > 64)
        {
            throw new YamlException(parser.Current!.Start, parser.Current.End, "the YAML nests deeper than 64 levels");
        }
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }
            throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
        }
        Token token;
        string? anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
            token = ScalarToken(file, scalar);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            anchor = sequenceStart.Anchor.IsEmpty ? null : sequenceStart.Anchor.Value;
            var items = new List<Token>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(file, parser, anchors, diagnostics, depth + 1));
            }
            token = new SequenceToken(items, At(file, sequenceStart.Start));
        }
        else if (parser.TryConsume<MappingStart>(out var mappingStart))
        {
            anchor = mappingStart.Anchor.IsEmpty ? null : mappingStart.Anchor.Value;
            var entries = new List<MappingEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyToken = ReadNode(file, parser, anchors, diagnostics, depth + 1);
                var value = ReadNode(file, parser, anchors, diagnostics, depth + 1);
                var key = keyToken switch
                {
                    StringToken s => s,
                    LiteralToken l => new StringToken(l.Text, l.Location, l.Location.Line ?? 0, l.Location.Column ?? 0),
                    _ => null,
                };
                if (key is null)
                {
                    diagnostics.Add(Diagnostic.Error(DiagnosticCodes.UnsupportedYaml, "a mapping key must be a plain value", keyToken.Location));
                    continue;
                }
                if (!seen.Add(key.Value))
                {
                    diagnostics.Add(Diagnostic.Error(DiagnosticCodes.DuplicateKey, $"the key '{key.Value}' appears twice in this mapping", key.Location));
                    continue;
                }
                entries.Add(new MappingEntry(key, value));
            }
            token = new MappingToken(entries, At(file, mappingStart.Start));
        }
        else
        {
            var current = parser.Current!;
            throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
        if (anchor is not null)
        {
            anchors[anchor] = token;
        }
        return token;
    }

    private static Token ScalarToken(string file, Scalar scalar)
    {
        var location = At(file, scalar.Start);
        var value = scalar.Value;
        var line = (int)scalar.Start.Line;
        var column = (int)scalar.Start.Column;
        switch (scalar.Style)
        {
            case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted:
                return new StringToken(value, location, line, column + 1);
            case ScalarStyle.Literal or ScalarStyle.Folded:
                return new StringToken(value, location, line + 1, column);
        }
        if (!scalar.Tag.IsEmpty && scalar.Tag.Value == StrTag)
        {
            return new StringToken(value, location, line, column);
        }
        if (value.Length == 0 || value is "~" or "null" or "Null" or "NULL")
        {
            return new LiteralToken(null, value, location);
        }
        if (value is "true" or "True" or "TRUE")
        {
            return new LiteralToken(JsonValue.Create(true), value, location);
        }
        if (value is "false" or "False" or "FALSE")
        {
            return new LiteralToken(JsonValue.Create(false), value, location);
        }
        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return new LiteralToken(JsonValue.Create(integer), value, location);
        }
        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return new LiteralToken(JsonValue.Create(number), value, location);
        }
        return new StringToken(value, location, line, column);
    }

    private static SourceLocation At(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: ...) - (...): "; the location is reported separately.</summary>
    private static string CleanMessage(YamlException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0 ? message[(cut + 3)..] : message;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
