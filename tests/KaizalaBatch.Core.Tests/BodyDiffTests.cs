using System.Text.Json.Nodes;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Core.Tests;

/// <summary>Field by field, where a sent actionBody and the one the plan would send differ, named by JSON Pointers.</summary>
public sealed class BodyDiffTests
{
    private static IReadOnlyList<FieldChange> Diff(string before, string after) => BodyDiff.Compare(JsonNode.Parse(before), JsonNode.Parse(after));

    [Fact]
    public void Equal_bodies_differ_nowhere_whatever_their_key_order_and_number_spelling()
    {
        Assert.Empty(Diff("""{"title":"t","dueDate":24,"flags":[true,null]}""", """{"dueDate":24.0,"flags":[true,null],"title":"t"}"""));
    }

    [Fact]
    public void Each_value_that_differs_is_named_by_its_pointer_with_both_values()
    {
        var changes = Diff(
            """{"title":"Notice","questions":[{"title":"Read it?","options":[{"title":"Yes"},{"title":"No"}]}],"dueDate":24}""",
            """{"title":"Updated notice","questions":[{"title":"Read it?","options":[{"title":"Yes"},{"title":"Not yet"}]}],"dueDate":"24"}""");
        Assert.Equal(["/title", "/questions/0/options/1/title", "/dueDate"], changes.Select(c => c.Path));
        Assert.All(changes, c => Assert.Equal(FieldChangeKind.Changed, c.Kind));
        Assert.Equal("Notice", (string?)changes[0].Before);
        Assert.Equal("Updated notice", (string?)changes[0].After);
        Assert.Equal(24, (int?)changes[2].Before); // a number became a string: a change, though it reads the same
    }

    [Fact]
    public void Added_and_removed_fields_and_array_entries_are_told_apart_and_keys_are_escaped()
    {
        var changes = Diff("""{"a/b":1,"gone":"x","list":[1,2,3]}""", """{"a/b":2,"list":[1,2],"new~":{"k":true}}""");
        Assert.Equal(
            [("/a~1b", FieldChangeKind.Changed), ("/list/2", FieldChangeKind.Removed), ("/new~0", FieldChangeKind.Added), ("/gone", FieldChangeKind.Removed)],
            changes.Select(c => (c.Path, c.Kind)));
        Assert.Null(changes[2].Before);
        Assert.True((bool)changes[2].After!["k"]!);
        Assert.Equal("x", (string?)changes[3].Before);
        Assert.Null(changes[3].After);
        Assert.Equal(2, (int?)JsonPointer.Resolve(JsonNode.Parse("""{"a/b":2}""")!, "/a~1b"));
    }

    [Fact]
    public void A_value_that_became_an_object_is_one_change()
    {
        var change = Assert.Single(Diff("""{"mediaResource":"kzm-1"}""", """{"mediaResource":{"file":"photo.png"}}"""));
        Assert.Equal("/mediaResource", change.Path);
        Assert.Equal(FieldChangeKind.Changed, change.Kind);
    }
}
