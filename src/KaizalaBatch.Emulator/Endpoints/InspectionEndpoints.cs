using System.Text.Json;
using System.Text.Json.Nodes;
using KaizalaBatch.Emulator.Pipeline;
using Microsoft.AspNetCore.Http;

namespace KaizalaBatch.Emulator.Endpoints;

/// <summary>
/// <c>/_emulator/...</c>: for tests and benchmarks, never counted, throttled, authenticated or faulted.
/// </summary>
internal sealed class InspectionEndpoints(Service service)
{
    /// <summary><c>GET /_emulator/actions</c>: every accepted Action in arrival order (streamed; may be large).</summary>
    public async Task ActionsAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        http.Response.ContentType = "application/json; charset=utf-8";
        var actions = service.Store.Snapshot();
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteNumber("count", actions.Count);
        writer.WriteStartArray("actions");
        foreach (var action in actions)
        {
            writer.WriteStartObject();
            writer.WriteNumber("sequence", action.Sequence);
            writer.WriteString("groupId", action.GroupId);
            writer.WriteString("actionType", action.ActionType);
            writer.WriteString("packageId", action.PackageId);
            writer.WritePropertyName("actionBody");
            writer.WriteRawValue(action.ActionBodyJson, skipInputValidation: true);
            if (action.Subscribers is { } subscribers)
            {
                writer.WriteStartArray("subscribers");
                foreach (var phone in subscribers)
                {
                    writer.WriteStringValue(phone);
                }

                writer.WriteEndArray();
            }

            if (action.SendToAllSubscribers is { } all)
            {
                writer.WriteBoolean("sendToAllSubscribers", all);
            }

            writer.WriteString("referenceId", action.ReferenceId);
            if (action.ActionId is { } actionId)
            {
                writer.WriteString("actionId", actionId);
            }
            else
            {
                writer.WriteNull("actionId");
            }

            writer.WriteString("connector", action.Connector);
            writer.WriteNumber("creationTime", action.CreatedAt.ToUnixTimeMilliseconds());
            writer.WriteEndObject();
            if (writer.BytesPending > 32 * 1024)
            {
                await writer.FlushAsync(ct).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /_emulator/stats</c>: API calls by route template and outcome.</summary>
    public IResult Stats()
    {
        var stats = service.Stats.ToJson();
        stats["calls"] = service.Calls;
        stats["actions"] = service.Store.Count;
        stats["heldAnswers"] = service.Held.Count;
        return Answers.Ok(stats);
    }

    /// <summary><c>GET /_emulator/responses</c>: every Action that has responses now (posted or simulated), with them.</summary>
    public IResult Responses()
    {
        var list = new JsonArray();
        foreach (var action in service.Store.Snapshot())
        {
            var responses = service.ResponsesOf(action);
            if (responses.Count == 0)
            {
                continue;
            }

            var entries = new JsonArray();
            foreach (var response in responses)
            {
                entries.Add(new JsonObject
                {
                    ["responseId"] = response.ResponseId.ToString(),
                    ["responder"] = response.Responder,
                    ["responseTime"] = response.UpdatedAt.ToUnixTimeSeconds(),
                    ["actionBody"] = JsonNode.Parse(response.ActionBodyJson),
                });
            }

            list.Add(new JsonObject
            {
                ["groupId"] = action.GroupId.ToString(),
                ["actionId"] = action.ActionId?.ToString(),
                ["actionType"] = action.Kind,
                ["responses"] = entries,
            });
        }

        return Answers.Ok(new JsonObject { ["count"] = list.Count, ["actions"] = list });
    }

    /// <summary><c>GET /_emulator/reminders</c>: every reminder accepted, in arrival order.</summary>
    public IResult Reminders()
    {
        var list = new JsonArray();
        foreach (var reminder in service.Store.Reminders())
        {
            list.Add(new JsonObject
            {
                ["groupId"] = reminder.GroupId.ToString(),
                ["actionId"] = reminder.ActionId.ToString(),
                ["connector"] = reminder.Connector,
                ["sentAt"] = reminder.SentAt.ToUnixTimeMilliseconds(),
            });
        }

        return Answers.Ok(new JsonObject { ["count"] = list.Count, ["reminders"] = list });
    }

    /// <summary><c>POST /_emulator/reset</c></summary>
    public IResult Reset()
    {
        service.Reset();
        return Answers.Ok(new JsonObject());
    }
}
