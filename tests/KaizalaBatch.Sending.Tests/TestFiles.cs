using System.Text.Json.Nodes;
using KaizalaBatch.Actions;
using KaizalaBatch.Planning;

namespace KaizalaBatch.Sending.Tests;

/// <summary>A temp folder per test, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("kaizala-sending-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Items
{
    public static RenderedItem Survey(string action, string groupId, string title = "Safety check", string? key = null)
    {
        var body = new JsonObject
        {
            ["title"] = title,
            ["dueDate"] = 24,
            ["isAnonymous"] = false,
            ["isSenderOnly"] = false,
            ["acceptMultipleResponses"] = false,
            ["questions"] = new JsonArray
            {
                new JsonObject
                {
                    ["title"] = "Is the fire exit clear?",
                    ["type"] = "SingleOption",
                    ["options"] = new JsonArray { new JsonObject { ["title"] = "Yes" }, new JsonObject { ["title"] = "No" } },
                },
            },
        };
        return Make(action, key ?? groupId, groupId, "Survey", body);
    }

    public static RenderedItem Job(string action, string groupId, string title = "Check the fire exit")
    {
        var body = new JsonObject
        {
            ["title"] = title,
            ["assignedTo"] = new JsonArray { "+911111111111" },
            ["dueDate"] = 24,
        };
        return Make(action, groupId, groupId, "Job", body);
    }

    public static RenderedItem Make(string action, string key, string groupId, string type, JsonObject body, IReadOnlyList<MediaFile>? media = null)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(groupId + "|" + type + "|" + body.ToJsonString())));
        return new RenderedItem(action, key, groupId, type, null, body, null, media ?? [], hash, [1], []);
    }

    public static string NewGroup() => Guid.NewGuid().ToString("D");

    /// <summary><paramref name="count"/> Image items to new groups, all with the local file <paramref name="photo"/>; and its content hash.</summary>
    public static (List<RenderedItem> Items, string Hash) Photos(string photo, int count)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(photo)));
        var name = Path.GetFileName(photo);
        var items = Enumerable.Range(0, count).Select(i =>
        {
            var group = NewGroup();
            var body = new JsonObject { ["mediaResource"] = new JsonObject { ["file"] = name }, ["caption"] = $"site {i}" };
            return Make("photo", group, group, "Image", body, [new MediaFile("/mediaResource", photo, hash, "image/jpeg")]);
        }).ToList();
        return (items, hash);
    }
}
