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

    /// <summary>At most this many nodes once every alias is expanded (the tree is walked as JSON for the schema).</summary>
    public const long MaxNodes = 100_000;

    /// <summary>At most this many characters of scalars once every alias is expanded.</summary>
    public const long MaxCharacters = 8 * 1024 * 1024;

    public const int MaxDepth = 64;

    /// <summary>Reads a small document, so that the first run file finds YamlDotNet's parser loaded (its anchor names
    /// compile a regular expression in their static constructor: about 40 ms, a sixth of a short command); for a host
    /// that preloads on a thread of its own.</summary>
    public static void Prepare() => Read("", "preload: [ 1, true, x ]\n", []);

    public static Token? Read(string file, string text, List<Diagnostic> diagnostics)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var anchors = new Dictionary<string, Anchored>(StringComparer.Ordinal);
        var budget = new Budget();
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(file, parser, anchors, budget, diagnostics, depth: 0);
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
        catch (TooLargeException exception)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.InputTooLarge, exception.Message, At(file, exception.Start)));
            return null;
        }
        catch (YamlException exception)
        {
            var message = CleanMessage(exception);
            // YamlDotNet places a tab in the indentation at the start of the mapping it was scanning (often 1:1).
            var at = message.Contains("tab", StringComparison.OrdinalIgnoreCase) && TabInIndentation(text, (int)exception.Start.Line) is { } tab
                ? new SourceLocation(file, tab.Line, tab.Column)
                : At(file, exception.Start);
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.YamlSyntax, message, at));
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

    /// <summary>The first tab in a line's indentation at or after <paramref name="fromLine"/> (1-based), or null.</summary>
    private static (int Line, int Column)? TabInIndentation(string text, int fromLine)
    {
        var lines = text.Split('\n');
        for (var i = Math.Max(0, fromLine - 1); i < lines.Length; i++)
        {
            var line = lines[i];
            for (var column = 0; column < line.Length && line[column] is ' ' or '\t' or '-'; column++)
            {
                if (line[column] == '\t')
                {
                    return (i + 1, column + 1);
                }
            }
        }
        return null;
    }

    /// <summary>An anchored node and what it costs each time an alias repeats it.</summary>
    private sealed record Anchored(Token Token, long Nodes, long Characters);

    /// <summary>Counts the nodes and characters read so far, aliases counted as often as they are used: an alias bomb
    /// (a few lines of nested anchors) is refused as soon as it passes the budget, before anything expands it.</summary>
    private sealed class Budget
    {
        public long Nodes { get; private set; }

        public long Characters { get; private set; }

        public void Add(long nodes, long characters, Mark at)
        {
            Nodes += nodes;
            Characters += characters;
            if (Nodes > MaxNodes)
            {
                throw new TooLargeException(at, $"the run file holds more than {MaxNodes:N0} YAML values once its aliases (*name) are expanded; is an alias repeating itself?");
            }
            if (Characters > MaxCharacters)
            {
                throw new TooLargeException(at, $"the run file holds more than {MaxCharacters / 1024 / 1024} MiB of text once its aliases (*name) are expanded");
            }
        }
    }

    private sealed class TooLargeException(Mark start, string message) : Exception(message)
    {
        public Mark Start { get; } = start;
    }

    private static Token ReadNode(string file, IParser parser, Dictionary<string, Anchored> anchors, Budget budget, List<Diagnostic> diagnostics, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new YamlException(parser.Current!.Start, parser.Current.End, $"the YAML nests deeper than {MaxDepth} levels");
        }
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out var target))
            {
                budget.Add(target.Nodes, target.Characters, alias.Start);
                return target.Token;
            }
            throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
        }
        var (nodesBefore, charactersBefore) = (budget.Nodes, budget.Characters);
        Token token;
        string? anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
            token = ScalarToken(file, scalar);
            budget.Add(1, scalar.Value.Length, scalar.Start);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            anchor = sequenceStart.Anchor.IsEmpty ? null : sequenceStart.Anchor.Value;
            budget.Add(1, 0, sequenceStart.Start);
            var items = new List<Token>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(file, parser, anchors, budget, diagnostics, depth + 1));
            }
            token = new SequenceToken(items, At(file, sequenceStart.Start));
        }
        else if (parser.TryConsume<MappingStart>(out var mappingStart))
        {
            anchor = mappingStart.Anchor.IsEmpty ? null : mappingStart.Anchor.Value;
            budget.Add(1, 0, mappingStart.Start);
            var entries = new List<MappingEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyToken = ReadNode(file, parser, anchors, budget, diagnostics, depth + 1);
                var value = ReadNode(file, parser, anchors, budget, diagnostics, depth + 1);
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
            anchors[anchor] = new Anchored(token, budget.Nodes - nodesBefore, budget.Characters - charactersBefore);
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
