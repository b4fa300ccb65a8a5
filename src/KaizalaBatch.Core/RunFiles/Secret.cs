namespace KaizalaBatch.RunFiles;

/// <summary>A secret read from the environment. <see cref="ToString"/> never shows it, so a secret that reaches a
/// log line, an exception message or a record's printout shows as <c>***</c>; only <see cref="Reveal"/> gives the value.</summary>
public sealed class Secret(string value, string source)
{
    /// <summary>Where the secret came from, such as <c>env:KAIZALA_REFRESH_TOKEN</c>: safe to print.</summary>
    public string Source { get; } = source;

    /// <summary>The secret value, for the one place that sends it.</summary>
    public string Reveal() => value;

    public override string ToString() => $"***({Source})";
}
