using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Sending.Tests;

public sealed class ActionRequestTests
{
    [Fact]
    public void Media_resources_replace_the_file_objects_at_their_pointers_in_a_copy()
    {
        var group = Items.NewGroup();
        var body = new JsonObject
        {
            ["question"] = "Which site?",
            ["choices"] = new JsonArray
            {
                new JsonObject { ["title"] = "North" },
                new JsonObject { ["title"] = "South", ["image"] = new JsonObject { ["file"] = "south.jpg" } },
            },
            ["a/b"] = new JsonObject { ["file"] = "odd.png" },
        };
        var item = Items.Make("poll", group, group, "Poll", body,
            [new MediaFile("/choices/1/image", "/tmp/south.jpg", "h1", "image/jpeg"), new MediaFile("/a~1b", "/tmp/odd.png", "h2", "image/png")]);
        var request = ActionRequest.For(item, new Dictionary<string, string> { ["h1"] = "kzm-1", ["h2"] = "kzm-2" });

        Assert.Equal("kzm-1", (string?)request.ActionBody["choices"]![1]!["image"]);
        Assert.Equal("kzm-2", (string?)request.ActionBody["a/b"]);
        Assert.IsType<JsonObject>(item.Body!["choices"]![1]!["image"]); // the item itself is untouched
        var sent = JsonNode.Parse(request.Json)!.AsObject();
        Assert.Equal("Poll", (string?)sent["actionType"]);
        Assert.Equal(CanonicalJson.Hash(sent["actionBody"]), request.BodyHash);
    }

    [Fact]
    public void A_package_instance_is_sent_by_id_with_its_extra_fields()
    {
        var group = Items.NewGroup();
        var item = new RenderedItem("checkin", group, group, "Custom", "com.contoso.checkin.3",
            new JsonObject { ["title"] = "Check in" },
            new JsonObject { ["subscribers"] = new JsonArray("+911111111111"), ["sendToAllSubscribers"] = false },
            [], "hash", [1], []);
        var sent = JsonNode.Parse(ActionRequest.For(item, new Dictionary<string, string>()).Json)!.AsObject();
        Assert.Equal(["id", "actionBody", "subscribers", "sendToAllSubscribers"], sent.Select(p => p.Key));
        Assert.Equal("com.contoso.checkin.3", (string?)sent["id"]);
        Assert.Null(sent["actionType"]);
    }

    [Fact]
    public void The_request_is_written_once_as_the_request_tree_serialises_and_its_body_is_the_same_bytes()
    {
        var compact = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var group = Items.NewGroup();
        var long_ = Items.Make("survey", group, group, "Survey", JsonNode.Parse("""
            {"title":"Café \"Nord\" <safety> & more ☕ \u0007","dueDate":1767225600000,"ratio":0.5,"big":12345678901234,
             "questions":[{"title":"Is the exit clear?","type":"SingleOption","options":[{"title":"Yes"},{"title":"No"}]}],"none":null,"yes":true}
            """)!.AsObject(), []);
        var short_ = Items.Make("survey", group, group, "Survey", new JsonObject { ["title"] = "Hi" }, []);
        var package = new RenderedItem("checkin", group, group, "Custom", "com.contoso.checkin.3",
            new JsonObject { ["title"] = "Check in" },
            new JsonObject { ["subscribers"] = new JsonArray("+911111111111"), ["sendToAllSubscribers"] = false, ["note"] = null },
            [], "hash", [1], []);

        // One after another on one thread, a long request then shorter ones: each is whole and nothing of the one before.
        foreach (var item in new[] { long_, short_, package, long_ })
        {
            var request = ActionRequest.For(item, new Dictionary<string, string>());
            Assert.Equal(item.ToRequest(item.Body!).ToJsonString(compact), request.Json);
            Assert.Equal(item.Body!.ToJsonString(compact), request.BodyJson);
            Assert.Same(item.Body, request.ActionBody); // no media: the body is not copied
            Assert.Equal(CanonicalJson.Hash(item.Body), request.BodyHash);
        }
    }

    [Fact]
    public void The_canonical_hash_ignores_property_order_and_whitespace_only()
    {
        var a = JsonNode.Parse("""{"b":[1,{"y":true,"x":"é"}],"a":null}""");
        var b = JsonNode.Parse("""{ "a": null, "b": [ 1, { "x": "é", "y": true } ] }""");
        var c = JsonNode.Parse("""{"a":null,"b":[{"x":"é","y":true},1]}""");
        Assert.Equal(CanonicalJson.Hash(a), CanonicalJson.Hash(b));
        Assert.NotEqual(CanonicalJson.Hash(a), CanonicalJson.Hash(c));
    }
}
