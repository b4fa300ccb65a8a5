using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace KaizalaBatch.Cli.Output;

/// <summary>Stands in for stderr when stderr is a terminal. Normally it passes everything through; while a live progress
/// bar is drawn on the same terminal it hands each complete line to the bar's console instead, which prints it above the
/// bar. Written straight to stderr, log lines land wherever the bar left the cursor and tear it apart.</summary>
public sealed partial class LiveLogWriter(TextWriter stderr) : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _line = new();
    private IAnsiConsole? _live;

    public override Encoding Encoding => stderr.Encoding;

    /// <summary>Routes lines to <paramref name="console"/> until the result is disposed.</summary>
    public IDisposable Attach(IAnsiConsole console)
    {
        lock (_gate)
        {
            _live = console;
        }
        return new Detach(this);
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (_live is null)
            {
                stderr.Write(value);
                return;
            }
            if (value == '\n')
            {
                EmitLine();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }
        lock (_gate)
        {
            if (_live is null)
            {
                stderr.Write(value);
                return;
            }
            foreach (var c in value)
            {
                Write(c);
            }
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush()
    {
        lock (_gate)
        {
            stderr.Flush();
        }
    }

    private void EmitLine()
    {
        // The console logger colours its level with ANSI codes; the console measures text, so they go.
        var text = AnsiCodes().Replace(_line.ToString(), "");
        _line.Clear();
        // Cut into lines one short of the width, each padded to it, so that the terminal never wraps and every line
        // covers what the bar drew there before (the console does not erase it).
        var width = Math.Max(_live!.Profile.Width - 1, 20);
        var lines = new StringBuilder();
        for (var start = 0; start < text.Length || start == 0; start += width)
        {
            var chunk = text.Length == 0 ? "" : text.Substring(start, Math.Min(width, text.Length - start));
            lines.Append(chunk.PadRight(width)).Append('\n');
        }
        _live.Write(new Text(lines.ToString()));
    }

    private void Stop()
    {
        lock (_gate)
        {
            if (_line.Length > 0)
            {
                EmitLine();
            }
            _live = null;
        }
    }

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex AnsiCodes();

    private sealed class Detach(LiveLogWriter writer) : IDisposable
    {
        public void Dispose() => writer.Stop();
    }
}
