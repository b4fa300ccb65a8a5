using System.Text.Json;

namespace KaizalaBatch.Emulator.State;

/// <summary>
/// The emulator's memory between processes (<see cref="EmulatorOptions.StateFile"/>): every accepted Action, the responses
/// posted to them and the reminders, as one JSON document written on stop (to a temporary file, then renamed) and read on
/// start. Simulated responses are not stored: they follow from the seed and the Action.
/// </summary>
internal static class StateFile
{
    private const int Version = 1;

    private sealed record Document(int Version, List<AcceptedAction> Actions, Dictionary<Guid, ActionResponse[]> Responses, List<Reminder> Reminders);

    private static readonly JsonSerializerOptions Options = new() { IgnoreReadOnlyProperties = true };

    public static void Load(string path, ActionStore store)
    {
        if (!File.Exists(path))
        {
            return;
        }

        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The emulator state file {path} cannot be read ({e.Message}); delete it to start afresh.", e);
        }

        if (document is null || document.Version != Version)
        {
            throw new InvalidDataException($"The emulator state file {path} is not of version {Version}; delete it to start afresh.");
        }

        store.Import(document.Actions, document.Responses, document.Reminders);
    }

    public static void Save(string path, ActionStore store)
    {
        var (actions, responses, reminders) = store.Export();
        var document = new Document(Version, [.. actions], responses.ToDictionary(), [.. reminders]);
        var full = Path.GetFullPath(path);
        var temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(document, Options));
        File.Move(temp, full, overwrite: true);
    }
}
