using System.Globalization;
using System.Text.Json.Nodes;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Actions;

/// <summary>LetsMeet: <b>title</b>, <b>startingTime</b> (ISO 8601 date-time, sent in round-trip form); durationInMins
/// (default 30; the docs' sample spells it <c>duration</c>: either is accepted, not both, and durationInMins is sent); place <c>{ latitude, longitude, name }</c>; agenda; isSenderOnly.</summary>
public sealed class LetsMeetRules : IActionRules
{
    public const long DefaultDurationInMins = 30;

    public string Type => "LetsMeet";

    public void Apply(JsonObject body, JsonObject? extra, BodyChecker checker)
    {
        checker.RequiredString(body, "title");
        if (checker.RequiredString(body, "startingTime") is { } start)
        {
            if (DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) && start.Contains('-', StringComparison.Ordinal))
            {
                body["startingTime"] = parsed.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
            }
            else
            {
                checker.Error(DiagnosticCodes.FieldValue, "startingTime", $"'{start}' is not an ISO 8601 date-time such as 2026-03-01T10:00:00+05:30");
            }
        }
        checker.OneSpelling(body, "duration", "durationInMins");
        checker.Integer(body, "durationInMins", DefaultDurationInMins, minimum: 1);
        checker.OptionalString(body, "agenda");
        checker.Boolean(body, "isSenderOnly", null);
        if (body.TryGetPropertyValue("place", out var placeNode) && placeNode is not null)
        {
            using var inPlace = checker.Enter("place");
            if (checker.Object(placeNode) is { } place)
            {
                var latitude = checker.Number(place, "latitude", required: true);
                var longitude = checker.Number(place, "longitude", required: true);
                checker.OptionalString(place, "name");
                if (latitude is < -90 or > 90)
                {
                    checker.Error(DiagnosticCodes.FieldValue, "latitude", "must be between -90 and 90");
                }
                if (longitude is < -180 or > 180)
                {
                    checker.Error(DiagnosticCodes.FieldValue, "longitude", "must be between -180 and 180");
                }
            }
        }
    }
}
