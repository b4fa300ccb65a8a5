using System.Text.Json;

namespace KaizalaBatch.Emulator.Rules;

/// <summary>
/// LetsMeet: title, startingTime (ISO 8601 date-time), durationInMins or duration (integer, default 30),
/// place {latitude, longitude, name?}, agenda, isSenderOnly.
/// </summary>
internal static class LetsMeetRules
{
    public const int DefaultDurationMinutes = 30;

    /// <summary>The meeting's length in minutes, from either documented spelling, else the default.</summary>
    public static int Duration(JsonElement body) =>
        Fields.TryGet(body, "durationInMins", out var minutes) || Fields.TryGet(body, "duration", out minutes)
            ? minutes.GetInt32()
            : DefaultDurationMinutes;

    public static Refusal? Check(JsonElement body, string path)
    {
        if (Fields.RequiredText(body, "title", path, out _) is { } badTitle)
        {
            return badTitle;
        }

        if (Fields.RequiredText(body, "startingTime", path, out var start) is { } badStart)
        {
            return badStart;
        }

        if (!Fields.IsIsoDateTime(start))
        {
            var at = Fields.At(path, "startingTime");
            return new Refusal(at, $"{at} must be an ISO 8601 date-time such as 2026-03-01T09:30:00Z");
        }

        // The docs' table spells it durationInMins, their sample duration: either is accepted, not both.
        if (Fields.TryGet(body, "durationInMins", out _) && Fields.TryGet(body, "duration", out _))
        {
            var at = Fields.At(path, "duration");
            return new Refusal(at, $"{at} and {Fields.At(path, "durationInMins")} are the same field: give it once");
        }

        if ((Fields.OptionalPositiveInteger(body, "durationInMins", path) ?? Fields.OptionalPositiveInteger(body, "duration", path)) is { } badDuration)
        {
            return badDuration;
        }

        if (Fields.TryGet(body, "place", out var place))
        {
            var placeAt = Fields.At(path, "place");
            if (Fields.RequireObject(place, placeAt) is { } notObject)
            {
                return notObject;
            }

            foreach (var (name, limit) in (ReadOnlySpan<(string, double)>)[("latitude", 90), ("longitude", 180)])
            {
                if (!Fields.TryGet(place, name, out var coordinate))
                {
                    var at = Fields.At(placeAt, name);
                    return new Refusal(at, $"{at} is required");
                }

                if (Fields.Number(coordinate, Fields.At(placeAt, name), -limit, limit) is { } badCoordinate)
                {
                    return badCoordinate;
                }
            }

            if (Fields.OptionalString(place, "name", placeAt) is { } badName)
            {
                return badName;
            }
        }

        return Fields.OptionalString(body, "agenda", path)
            ?? Fields.OptionalBoolean(body, "isSenderOnly", path);
    }
}
