using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Scriban.Parsing;
using Scriban.Runtime;

namespace KaizalaBatch.Templating;

/// <summary>What a lone expression gives (a Scriban value) as JSON, keeping its type.</summary>
public sealed partial class TemplateScope
{
    private const int MaxDepth = 64;

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
}
