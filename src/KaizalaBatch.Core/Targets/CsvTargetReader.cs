using CsvHelper;
using KaizalaBatch.Diagnostics;
using KaizalaBatch.RunFiles;

namespace KaizalaBatch.Targets;

/// <summary>Reads a targets CSV row by row with CsvHelper's streaming reader (UTF-8 with or without BOM, RFC 4180
/// quoting, separator detected among comma, semicolon, tab and pipe). Problems with the file or its header make
/// <see cref="Open"/> return null; problems with a row (wrong number of fields, bad quoting) are reported with the
/// file, data row, line and column, and the row is skipped.</summary>
public sealed class CsvTargetReader : IDisposable
{
    /// <summary>The largest cell: 100,000 characters (a longer one is an input error naming its row and column).</summary>
    public const int MaxCellCharacters = 100_000;

    /// <summary>The largest record the reader takes in at all: 64 MiB.</summary>
    public const int MaxRecordBytes = 64 * 1024 * 1024;

    private readonly CsvReader reader;
    private readonly string displayFile;
    private readonly Action<Diagnostic> report;
    private readonly Queue<CsvMalformedRecord> malformedQueue;
    private readonly Dictionary<long, CsvMalformedRecord> malformedByRow = [];

    private CsvTargetReader(CsvReader reader, string displayFile, CsvColumns columns, int groupIdIndex, int groupByIndex, Queue<CsvMalformedRecord> malformedQueue, Action<Diagnostic> report)
    {
        this.malformedQueue = malformedQueue;
        this.reader = reader;
        this.displayFile = displayFile;
        Columns = columns;
        GroupIdIndex = groupIdIndex;
        GroupByIndex = groupByIndex;
        this.report = report;
    }

    public CsvColumns Columns { get; }

    public int GroupIdIndex { get; }

    /// <summary>The <c>groupBy</c> column's position, or -1 without grouping.</summary>
    public int GroupByIndex { get; }

    /// <summary>Opens the file and checks its header. Returns null after reporting when the file cannot be used.</summary>
    public static CsvTargetReader? Open(TargetsDefinition targets, Action<Diagnostic> report)
    {
        var file = targets.DisplayFile;
        var at = new SourceLocation(file);
        if (!File.Exists(targets.File))
        {
            report(Diagnostic.Error(DiagnosticCodes.CsvMissing, $"the targets file does not exist (looked for {targets.File})", at));
            return null;
        }
        var queue = new Queue<CsvMalformedRecord>();
        var options = CsvReaderOptions.Default with
        {
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow, // counted here, so that the message names the row
            // Recover rather than Skip: skipped records would shift the numbers of the rows after them. The reader
            // reports each malformed record (possibly ahead of reading it); that row is left out here, by number.
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = queue.Enqueue,
            MaxRecordSize = MaxRecordBytes,
        };
        CsvReader? reader = null;
        try
        {
            reader = CsvReader.FromFile(targets.File, options);
            reader.ReadHeader();
            var headers = reader.Headers.ToArray();
            if (headers.Length == 0 || headers.Length == 1 && headers[0].Length == 0)
            {
                report(Diagnostic.Error(DiagnosticCodes.CsvEmpty, "the targets file is empty; it needs a header row and at least one data row", at with { Line = 1 }));
                reader.Dispose();
                return null;
            }
            var ok = CheckHeader(file, headers, report);
            var columns = new CsvColumns(headers);
            var groupId = columns.IndexOf(targets.GroupIdColumn);
            if (groupId < 0)
            {
                var hint = headers.Any(h => Guid.TryParse(h, out _))
                    ? "; the first line looks like data: a header row is required"
                    : $"; the header has {string.Join(", ", headers.Select(h => $"'{h}'"))}";
                report(Diagnostic.Error(DiagnosticCodes.CsvColumnMissing,
                    $"the group id column '{targets.GroupIdColumn}' is not in the header{hint}", at with { Line = 1, Field = targets.GroupIdColumn }));
                ok = false;
            }
            var groupBy = -1;
            if (targets.GroupBy is { } groupByColumn)
            {
                groupBy = columns.IndexOf(groupByColumn);
                if (groupBy < 0)
                {
                    report(Diagnostic.Error(DiagnosticCodes.CsvColumnMissing,
                        $"the groupBy column '{groupByColumn}' is not in the header", at with { Line = 1, Field = groupByColumn }));
                    ok = false;
                }
            }
            if (targets.ConnectorColumn is { } connectorColumn && columns.IndexOf(connectorColumn) < 0)
            {
                report(Diagnostic.Error(DiagnosticCodes.CsvColumnMissing,
                    $"the connector column '{connectorColumn}' is not in the header", at with { Line = 1, Field = connectorColumn }));
                ok = false;
            }
            if (!ok)
            {
                reader.Dispose();
                return null;
            }
            var result = new CsvTargetReader(reader, file, columns, groupId, groupBy, queue, report);
            reader = null;
            return result;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CsvFormatException)
        {
            report(Diagnostic.Error(DiagnosticCodes.CsvUnreadable, $"the targets file cannot be read: {exception.Message}", at));
            return null;
        }
        finally
        {
            reader?.Dispose();
        }
    }

    private static bool CheckHeader(string file, string[] headers, Action<Diagnostic> report)
    {
        var ok = true;
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headers.Length; i++)
        {
            var name = headers[i].Trim();
            if (name.Length == 0)
            {
                report(Diagnostic.Error(DiagnosticCodes.CsvHeader, $"header cell {i + 1} is empty; every column needs a name",
                    new SourceLocation(file, 1, Field: $"column {i + 1}")));
                ok = false;
            }
            else if (!seen.TryAdd(name, i))
            {
                report(Diagnostic.Error(DiagnosticCodes.CsvDuplicateHeader,
                    $"the column name '{name}' appears twice in the header (columns {seen[name] + 1} and {i + 1})",
                    new SourceLocation(file, 1, Field: name)));
                ok = false;
            }
        }
        return ok;
    }

    /// <summary>The data rows, one at a time; rows with problems are reported and left out.</summary>
    public IEnumerable<TargetRow> ReadRows(CancellationToken cancellationToken)
    {
        var width = Columns.Count;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool more;
            try
            {
                more = reader.Read();
            }
            catch (CsvFormatException exception)
            {
                report(Diagnostic.Error(DiagnosticCodes.CsvUnreadable, $"the targets file cannot be read further: {exception.Message}",
                    new SourceLocation(displayFile, exception.LineNumber > 0 ? (int)exception.LineNumber : null, Row: exception.RecordNumber > 1 ? exception.RecordNumber - 1 : null)));
                yield break;
            }
            while (malformedQueue.TryDequeue(out var record))
            {
                malformedByRow[record.RecordNumber - 1] = record; // the record number counts the header
            }
            if (!more)
            {
                foreach (var left in malformedByRow.Values.OrderBy(r => r.RecordNumber))
                {
                    Report(left, null);
                }
                if (reader.RowNumber == 0)
                {
                    report(new Diagnostic(Severity.Warning, DiagnosticCodes.CsvEmpty, "the targets file has a header but no data rows",
                        new SourceLocation(displayFile, 1)));
                }
                yield break;
            }
            var row = reader.RowNumber;
            var line = reader.LineNumber;
            if (malformedByRow.Remove(row, out var malformed))
            {
                Report(malformed, ColumnAt(malformed.ByteOffset - reader.ByteOffset));
                continue;
            }
            if (reader.FieldCount != width)
            {
                var column = reader.FieldCount > width ? $"column {width + 1}" : Columns.Names[reader.FieldCount];
                report(Diagnostic.Error(DiagnosticCodes.CsvFieldCount,
                    $"data row {row} has {reader.FieldCount} fields but the header has {width}; the row is left out",
                    new SourceLocation(displayFile, (int)line, Row: row, Field: column)));
                continue;
            }
            var values = new string[width];
            var tooLarge = false;
            for (var i = 0; i < width; i++)
            {
                values[i] = reader.GetString(i);
                if (values[i].Length > MaxCellCharacters)
                {
                    report(Diagnostic.Error(DiagnosticCodes.CsvCellTooLarge,
                        $"data row {row} has {values[i].Length:N0} characters in column '{Columns.Names[i]}'; a cell holds at most {MaxCellCharacters:N0}",
                        new SourceLocation(displayFile, (int)line, Row: row, Field: Columns.Names[i])));
                    tooLarge = true;
                }
            }
            if (!tooLarge)
            {
                yield return new TargetRow(row, line, Columns, values);
            }
        }
    }

    /// <summary>The name of the column that holds byte <paramref name="offset"/> of the current record, or null.</summary>
    private string? ColumnAt(long offset)
    {
        var raw = reader.RawRecord;
        if (offset < 0 || offset > raw.Length)
        {
            return null;
        }
        var separator = (byte)reader.Separator;
        var field = 0;
        var quoted = false;
        for (var i = 0; i < offset && i < raw.Length; i++)
        {
            if (raw[i] == (byte)'"')
            {
                quoted = !quoted;
            }
            else if (raw[i] == separator && !quoted)
            {
                field++;
            }
        }
        return field < Columns.Count ? Columns.Names[field] : $"column {field + 1}";
    }

    private void Report(CsvMalformedRecord record, string? column)
    {
        var row = record.RecordNumber - 1; // the record number counts the header
        var problem = record.Reason switch
        {
            CsvMalformedReason.StrayQuote => "a quote inside an unquoted field (write the field in quotes and double the quote: \"a \"\"b\"\" c\")",
            CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a quoted field",
            CsvMalformedReason.UnterminatedQuote => "a quoted field that is never closed",
            CsvMalformedReason.LineBreakInQuotes => "a line break inside quotes",
            _ => record.Reason.ToString(),
        };
        report(Diagnostic.Error(DiagnosticCodes.CsvQuoting, $"data row {row} has bad quoting: {problem}; the row is left out",
            new SourceLocation(displayFile, record.LineNumber > 0 ? (int)record.LineNumber : null, Row: row, Field: column)));
    }

    public void Dispose() => reader.Dispose();
}
