using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

/// <summary>The content hash is compared with what existing ledgers hold, so a faster hasher must give byte for byte the
/// hashes the one before it gave: generated bodies (keys in any order, every kind of value, media objects) hashed by both.</summary>
public sealed class ContentHashPropertyTests
{
    private static readonly string[] Keys = ["title", "Title", "a", "b", "B", "é", "z", "_", "dueDate", "options", "type", "file", "mediaResource", "", "a b", "ü", "😀", "10", "9"];

    private static readonly string[] Texts = ["", "x", "Yes", "\"quoted\"", "back\\slash", "line\nbreak", "tab\t", "\u0001", "<b>&amp;</b>", "é ü ß", "😀", "+919876543210", "   ", "\u2028"];

    [Fact]
    public void The_hash_is_the_one_the_reference_gives_for_generated_bodies()
    {
        var random = new Random(1507);
        var current = new ContentHasher();
        var reference = new ReferenceContentHasher();
        for (var i = 0; i < 3_000; i++)
        {
            var body = (JsonObject)Object(random, 0);
            var extra = random.Next(3) == 0 ? (JsonObject)Object(random, 1) : null;
            var media = new List<MediaFile>();
            if (random.Next(4) == 0)
            {
                body["mediaResource"] = new JsonObject { ["file"] = Texts[random.Next(Texts.Length)] };
                media.Add(new MediaFile("/mediaResource", "/x/" + i, random.Next(2) == 0 ? "aa" : "bb", "image/jpeg"));
            }
            var group = random.Next(2) == 0 ? TempFolder.GroupA : Texts[random.Next(Texts.Length)];
            var type = random.Next(2) == 0 ? "Survey" : "Custom";
            var package = random.Next(3) == 0 ? "com.example" : null;
            var expected = reference.Compute(group, type, package, body, extra, media);
            Assert.Equal(expected, current.Compute(group, type, package, body, extra, media));
            Assert.Equal(reference.HashOf(body), current.HashOf(body));
            // The same content parsed back (values as JsonElements, keys in the written order) hashes the same too.
            var parsed = JsonNode.Parse(body.ToJsonString())!.AsObject();
            Assert.Equal(reference.HashOf(parsed), current.HashOf(parsed));
        }
    }

    private static JsonNode? Node(Random random, int depth) => random.Next(depth > 3 ? 6 : 8) switch
    {
        0 => null,
        1 => JsonValue.Create(Texts[random.Next(Texts.Length)]),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => Number(random),
        4 => JsonValue.Create(random.NextInt64(-5, 5_000_000_000)),
        5 => JsonValue.Create(Texts[random.Next(Texts.Length)] + random.Next(100)),
        6 => Object(random, depth + 1),
        _ => Array(random, depth + 1),
    };

    // Numbers as the renderer makes them (a float is made a double before it gets here) and as JSON text parses.
    private static JsonNode Number(Random random) => random.Next(6) switch
    {
        0 => JsonValue.Create(random.Next(-100, 100)),
        1 => JsonValue.Create((double)random.Next(-100, 100)),
        2 => JsonValue.Create(random.NextDouble() * 1000),
        3 => JsonValue.Create((decimal)random.Next(0, 1000) / 8),
        4 => JsonValue.Create(1e20 * random.Next(1, 9)),
        _ => JsonNode.Parse(random.Next(2) == 0 ? "24.0" : "12345678901234567890")!,
    };

    private static JsonNode Object(Random random, int depth)
    {
        var obj = new JsonObject();
        var count = random.Next(depth == 0 ? 1 : 0, 6);
        for (var i = 0; i < count; i++)
        {
            obj[Keys[random.Next(Keys.Length)]] = Node(random, depth);
        }
        return obj;
    }

    private static JsonNode Array(Random random, int depth)
    {
        var array = new JsonArray();
        var count = random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            array.Add(Node(random, depth));
        }
        return array;
    }
}
