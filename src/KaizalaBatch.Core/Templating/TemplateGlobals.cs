using System.Collections;
using System.Globalization;
using System.Text;
using KaizalaBatch.RunFiles;
using Scriban.Runtime;
using Token = KaizalaBatch.RunFiles.Token;

namespace KaizalaBatch.Templating;

/// <summary>What a template sees about the run: <c>run.name</c>, <c>run.startedAt</c>, <c>vars</c>, and the
/// phone country code for <c>phones</c>.</summary>
public sealed record TemplateGlobals(string RunName, DateTimeOffset StartedAt, MappingToken? Vars, string? CountryCode)
{
    /// <summary>The globals as templates see them: <c>run</c> and <c>vars</c> (read-only values) and the
    /// <c>phones</c> function.</summary>
    internal ScriptObject ToScriptObject()
    {
        var globals = new ScriptObject();
        var runObject = new ScriptObject
        {
            ["name"] = RunName,
            ["startedAt"] = StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        globals.SetValue("run", runObject, true);
        globals.SetValue("vars", Vars is null ? new ScriptObject() : ToScript(Vars), true);
        globals.Import("phones", new Func<object?, ScriptArray>(Phones));
        globals.SetReadOnly("phones", true);
        return globals;
    }

    /// <summary>The template function <c>phones</c>: a cell (or a list of cells) split on ; , | and whitespace,
    /// each number normalised to +digits with the run's default country code.</summary>
    private ScriptArray Phones(object? value)
    {
        var result = new ScriptArray();
        foreach (var cell in PhoneCells(value))
        {
            foreach (var number in PhoneNumbers.Split(cell, CountryCode))
            {
                result.Add(number);
            }
        }
        return result;
    }

    /// <summary><c>phones value | array.join separator</c>, written into <paramref name="output"/> without the two
    /// lists between them: what a text template renders for it.</summary>
    internal void AppendPhonesJoined(StringBuilder output, object? value, string separator)
    {
        var any = false;
        if (value is string text)
        {
            PhoneNumbers.AppendJoined(output, text, CountryCode, separator, ref any);
            return;
        }
        foreach (var cell in PhoneCells(value))
        {
            PhoneNumbers.AppendJoined(output, cell, CountryCode, separator, ref any);
        }
    }

    /// <summary>The cells <c>phones</c> reads numbers from: a text, each item of a list, or any other value as text.</summary>
    private static IEnumerable<string?> PhoneCells(object? value)
    {
        switch (value)
        {
            case null:
                yield break;
            case string text:
                yield return text;
                break;
            case IEnumerable list:
                foreach (var item in list)
                {
                    yield return Convert.ToString(item, CultureInfo.InvariantCulture);
                }
                break;
            default:
                yield return Convert.ToString(value, CultureInfo.InvariantCulture);
                break;
        }
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
}
