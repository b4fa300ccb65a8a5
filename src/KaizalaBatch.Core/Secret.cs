namespace KaizalaBatch;

/// <summary>A credential (applicationSecret, refreshToken, accessToken). <see cref="ToString"/> never shows it, so a secret
/// that reaches a log line, an exception message or a record's printout shows as <c>***</c>; only <see cref="Reveal"/>
/// gives the value, for the one place that sends it.</summary>
/// <param name="source">Where it came from, such as <c>env:KAIZALA_REFRESH_TOKEN</c>: safe to print.</param>
public sealed class Secret(string value, string source = "secret")
{
    /// <summary>Where the secret came from: safe to print.</summary>
    public string Source { get; } = source;

    public bool IsEmpty => value.Length == 0;

    /// <summary>The secret value, for the one place that sends it.</summary>
    public string Reveal() => value;

    public override string ToString() => $"***({Source})";
}
