namespace KaizalaBatch.Emulator.Rules;

/// <summary>Why the service refuses a request body: the JSON path of the culprit and a sentence.</summary>
/// <param name="Field">In the style <c>actionBody.questions[2].options</c>.</param>
internal sealed record Refusal(string Field, string Message);
