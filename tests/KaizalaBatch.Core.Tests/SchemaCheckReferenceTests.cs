using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Core.Tests;

/// <summary>The schema check judges with a validator of its own (start-up time); it must say exactly what NJsonSchema's
/// validator said, message for message and place for place: over the examples and thousands of seeded mutations of them
/// (values of every kind put anywhere, keys misspelt, added and dropped, list items repeated as a YAML alias repeats
/// them), compared with <see cref="NJsonSchemaReference"/>.</summary>
public sealed class SchemaCheckReferenceTests
{
    private static readonly NJsonSchemaReference Reference = new();

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in ExampleFiles())
        {
            data.Add(Path.GetFileName(Path.GetDirectoryName(file)!));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_is_judged_alike(string example)
    {
        var root = Parse(File.ReadAllText(ExampleFiles().Single(f => Path.GetFileName(Path.GetDirectoryName(f)!) == example)));
        Assert.Equal(Describe(Reference.Check(root)), Describe(Check(root)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Mutated_run_files_are_judged_alike(int seed)
    {
        var random = new Random(seed);
        var examples = ExampleFiles().Select(f => Parse(File.ReadAllText(f))).ToList();
        var withErrors = 0;
        for (var i = 0; i < 750; i++)
        {
            var mutator = new Mutator(random);
            var root = examples[random.Next(examples.Count)];
            for (var m = random.Next(1, 5); m > 0; m--)
            {
                root = mutator.Mutate(root);
            }
            var expected = Describe(Reference.Check(root));
            var actual = Describe(Check(root));
            Assert.True(expected == actual, $"NJsonSchema:\n{expected}\n\nSchemaCheck:\n{actual}");
            withErrors += expected.Length > 0 ? 1 : 0;
        }
        // Most mutations make a schema error: the comparison is about errors, not about valid files.
        Assert.True(withErrors > 400, $"only {withErrors} of 750 mutated files had schema errors");
    }

    private static List<Diagnostic> Check(Token root)
    {
        var diagnostics = new List<Diagnostic>();
        SchemaCheck.Shared.Check(root, diagnostics);
        return diagnostics;
    }

    private static string Describe(List<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => $"{d.Severity} {d.Code} {d.Location.Line}:{d.Location.Column} {d.Message}"));

    private static Token Parse(string yaml)
    {
        var diagnostics = new List<Diagnostic>();
        var root = YamlTokenReader.Read("run.yaml", yaml, diagnostics);
        Assert.Empty(diagnostics);
        return root!;
    }

    private static string[] ExampleFiles()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "runner.schema.json")))
        {
            directory = directory.Parent;
        }
        var examples = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("runner.schema.json not found above the test folder"), "examples");
        return Directory.GetFiles(examples, "run.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>One random change of a token tree: a value replaced by one of any kind, a key added, misspelt or dropped, a
    /// list item dropped or repeated (the same token twice, as a YAML alias makes). New tokens get places of their own.</summary>
    private sealed class Mutator(Random random)
    {
        private static readonly string[] Keys =
        [
            "version", "name", "ledger", "keepPayloads", "mediaRoot", "connection", "limits", "vars", "phoneDefaults", "actions",
            "type", "targets", "body", "bodyTemplate", "key", "extra", "packageId", "file", "groupId", "groupBy", "where", "connector",
            "title", "questions", "options", "dueDate", "mediaResource", "choices", "image", "question", "emulator", "emulatorOrg",
            "apiRoot", "applicationId", "applicationSecret", "refreshToken", "connectors", "timeoutSeconds", "perMinute",
            "concurrency", "maxAttempts", "maxErrors", "inDoubt", "countryCode", "tittle", "Name", "typ", "fil", "a.b", "a/b", "x y", "",
        ];

        private static readonly string[] Strings =
        [
            "", "x", "Job", "jobb", "survey", "SURVEY", "LetsMeet", "Custom", "Quiz", "hold", "resend", "1", "${env:X}", "${env:1}",
            "+91", "91", "+12345", "abc def", "a.b", "q3-safety", "-x", "true", "{{ row.site }}", "groups.csv", "Text",
        ];

        private static readonly JsonValue?[] Literals =
        [
            null, JsonValue.Create(true), JsonValue.Create(false), JsonValue.Create(0L), JsonValue.Create(1L), JsonValue.Create(-1L),
            JsonValue.Create(2L), JsonValue.Create(50L), JsonValue.Create(51L), JsonValue.Create(64L), JsonValue.Create(65L),
            JsonValue.Create(600L), JsonValue.Create(601L), JsonValue.Create(100000L), JsonValue.Create(100001L), JsonValue.Create(1000001L),
            JsonValue.Create(long.MaxValue), JsonValue.Create(long.MinValue), JsonValue.Create(1.0), JsonValue.Create(-0.0),
            JsonValue.Create(0.5), JsonValue.Create(1.5), JsonValue.Create(1e15), JsonValue.Create(1e16), JsonValue.Create(123456789012345.0),
            JsonValue.Create(999999999999999.9), JsonValue.Create(1e300), JsonValue.Create(-1e300), JsonValue.Create(1e-7),
            JsonValue.Create(0.9999999999999999), JsonValue.Create(600.0000000000001), JsonValue.Create(64.0), JsonValue.Create(9.2233720368547758E+18),
        ];

        private int place = 10_000;

        public Token Mutate(Token root)
        {
            var nodes = new List<Token>();
            Collect(root, nodes);
            var target = nodes[random.Next(nodes.Count)];
            return Replace(root, target, Change(target));
        }

        private Token Change(Token token)
        {
            switch (random.Next(6))
            {
                case 0 when token is MappingToken mapping && mapping.Entries.Count > 0:
                    return mapping with { Entries = mapping.Entries.Where((_, i) => i != random.Next(mapping.Entries.Count)).ToList() };
                case 1 when token is MappingToken mapping:
                    // Keys stay unique, as the YAML reader leaves them.
                    var added = Key();
                    return mapping.Entry(added.Value) is not null ? mapping : mapping with { Entries = [.. mapping.Entries, new MappingEntry(added, AnyValue(2))] };
                case 2 when token is MappingToken { Entries.Count: > 0 } mapping:
                    var renamed = random.Next(mapping.Entries.Count);
                    var key = Key();
                    return mapping.Entry(key.Value) is not null ? mapping : mapping with { Entries = mapping.Entries.Select((e, i) => i == renamed ? e with { Key = key } : e).ToList() };
                case 3 when token is SequenceToken { Items.Count: > 0 } sequence:
                    var repeated = sequence.Items[random.Next(sequence.Items.Count)];
                    return sequence with { Items = [.. sequence.Items, repeated] };
                case 4 when token is SequenceToken { Items.Count: > 0 } sequence:
                    var dropped = random.Next(sequence.Items.Count);
                    return sequence with { Items = sequence.Items.Where((_, i) => i != dropped).ToList() };
                default:
                    return AnyValue(2);
            }
        }

        private Token AnyValue(int depth) => random.Next(depth > 0 ? 10 : 6) switch
        {
            0 or 1 or 2 => new StringToken(Strings[random.Next(Strings.Length)], Place(), 0, 0),
            3 or 4 or 5 => Literal(),
            6 or 7 => new MappingToken(Enumerable.Range(0, random.Next(3)).Select(_ => Key()).DistinctBy(k => k.Value)
                .Select(k => new MappingEntry(k, AnyValue(depth - 1))).ToList(), Place()),
            _ => new SequenceToken(Enumerable.Range(0, random.Next(3)).Select(_ => AnyValue(depth - 1)).ToList(), Place()),
        };

        private LiteralToken Literal()
        {
            var value = Literals[random.Next(Literals.Length)];
            return new LiteralToken(value?.DeepClone().AsValue(), value?.ToJsonString() ?? "null", Place());
        }

        private StringToken Key() => new(Keys[random.Next(Keys.Length)], Place(), 0, 0);

        private SourceLocation Place() => new("run.yaml", place++, random.Next(1, 40));

        private static void Collect(Token token, List<Token> into)
        {
            into.Add(token);
            switch (token)
            {
                case MappingToken mapping:
                    foreach (var entry in mapping.Entries)
                    {
                        Collect(entry.Value, into);
                    }
                    break;
                case SequenceToken sequence:
                    foreach (var item in sequence.Items)
                    {
                        Collect(item, into);
                    }
                    break;
            }
        }

        /// <summary>The tree with <paramref name="target"/> (found by reference; every place it occurs) replaced.</summary>
        private static Token Replace(Token token, Token target, Token replacement)
        {
            if (ReferenceEquals(token, target))
            {
                return replacement;
            }
            return token switch
            {
                MappingToken mapping => mapping with { Entries = mapping.Entries.Select(e => e with { Value = Replace(e.Value, target, replacement) }).ToList() },
                SequenceToken sequence => sequence with { Items = sequence.Items.Select(i => Replace(i, target, replacement)).ToList() },
                _ => token,
            };
        }
    }
}
