using System.Globalization;
using System.Text;
using System.Xml;
using KaizalaBatch.Planning;
using KaizalaBatch.Sending;

namespace KaizalaBatch.Reports;

/// <summary>A run as a JUnit XML report for CI (the format Newman's and most test runners' reporters write):
/// <c>testsuites</c> for the run, a <c>testsuite</c> per action, a <c>testcase</c> per item (classname the action, name the
/// key). Failed, in-doubt and invalid items are <c>failure</c>s with their reason; items the run passed by (unchanged,
/// changed without <c>--resend-changed</c>, beyond <c>--limit</c>) and items not started are <c>skipped</c>; sent and
/// reconciled items pass.
/// <para>Items are written as they end, each action's to a spool file of its own that is deleted on close, so memory stays
/// flat however long the run; <see cref="Complete"/> writes the document with each suite's counts (which a JUnit reader
/// wants before the cases) and the spooled cases. Thread-safe: the senders report concurrently.</para></summary>
public sealed class JUnitReport : IDisposable
{
    private static readonly XmlWriterSettings CaseSettings = new()
    {
        ConformanceLevel = ConformanceLevel.Fragment,
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n    ", // the cases sit two levels deep in the document they are copied into
        Encoding = new UTF8Encoding(false),
        CloseOutput = false,
    };

    private readonly Stream output;
    private readonly string runName;
    private readonly Lock gate = new();
    private readonly List<Suite> suites = [];
    private readonly Dictionary<string, Suite> byAction = new(StringComparer.Ordinal);
    private bool completed;

    /// <param name="output">Where the report goes; written by <see cref="Complete"/>, closed by <see cref="Dispose"/>.</param>
    public JUnitReport(Stream output, string runName)
    {
        ArgumentNullException.ThrowIfNull(output);
        this.output = output;
        this.runName = runName;
    }

    /// <summary>An item the sender took, as it ended.</summary>
    public void Add(ItemOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var failure = outcome.Result switch
        {
            ItemResult.Failed => "failed",
            ItemResult.InDoubt => "in-doubt",
            ItemResult.Invalid => "invalid",
            _ => null,
        };
        var skipped = outcome.Result == ItemResult.NotStarted ? outcome.Reason ?? "not started" : null;
        Write(outcome.Action, outcome.Key, outcome.GroupId, failure, outcome.Reason, skipped);
    }

    /// <summary>An item the plan left out of this run, with why.</summary>
    public void AddPassedBy(PlannedItem planned)
    {
        ArgumentNullException.ThrowIfNull(planned);
        var why = planned.Category switch
        {
            PlanCategory.Unchanged => "unchanged: its group has it already",
            PlanCategory.Changed => "changed since it was sent: run --resend-changed sends it",
            _ => "left for a later run (--limit)",
        };
        Write(planned.Item.Action, planned.Item.Key, planned.Item.GroupId, null, null, why);
    }

    private void Write(string action, string key, string groupId, string? failure, string? reason, string? skipped)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(completed, this);
            if (!byAction.TryGetValue(action, out var suite))
            {
                suite = new Suite(action);
                byAction.Add(action, suite);
                suites.Add(suite);
            }
            suite.Tests++;
            var xml = suite.Cases;
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", Text(action));
            xml.WriteAttributeString("name", Text(key));
            if (failure is not null)
            {
                suite.Failures++;
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("type", failure);
                xml.WriteAttributeString("message", Text(reason ?? failure));
                xml.WriteString(Text($"{failure}: {reason ?? "no reason recorded"} (group {groupId})"));
                xml.WriteEndElement();
            }
            else if (skipped is not null)
            {
                suite.Skipped++;
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", Text(skipped));
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
    }

    /// <summary>Writes the report: every suite with its counts and the cases spooled so far.</summary>
    public void Complete()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(completed, this);
            completed = true;
            using var xml = XmlWriter.Create(output, new XmlWriterSettings
            {
                Indent = true,
                NewLineChars = "\n",
                Encoding = new UTF8Encoding(false),
                CloseOutput = false,
            });
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", Text(runName));
            WriteCounts(xml, suites.Sum(s => s.Tests), suites.Sum(s => s.Failures), suites.Sum(s => s.Skipped));
            foreach (var suite in suites)
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", Text(suite.Action));
                WriteCounts(xml, suite.Tests, suite.Failures, suite.Skipped);
                xml.WriteRaw("\n    ");
                suite.CopyCasesTo(xml);
                xml.WriteFullEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        output.Flush();
    }

    private static void WriteCounts(XmlWriter xml, int tests, int failures, int skipped)
    {
        xml.WriteAttributeString("tests", tests.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", failures.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", "0");
        xml.WriteAttributeString("skipped", skipped.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Text an XML document may hold: a service's error text may carry control characters XML 1.0 forbids.</summary>
    private static string Text(string text)
    {
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                clean.Append(text, i++, 2);
            }
            else
            {
                clean.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '?');
            }
        }
        return clean.ToString();
    }

    public void Dispose()
    {
        lock (gate)
        {
            completed = true;
            foreach (var suite in suites)
            {
                suite.Dispose();
            }
            suites.Clear();
        }
        output.Dispose();
    }

    /// <summary>One action's cases, spooled to a temporary file that the system deletes when it is closed.</summary>
    private sealed class Suite : IDisposable
    {
        private readonly FileStream spool;

        public Suite(string action)
        {
            Action = action;
            spool = new FileStream(Path.Combine(Path.GetTempPath(), "kaizala-batch-junit-" + Guid.NewGuid().ToString("N")),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
            Cases = XmlWriter.Create(spool, CaseSettings);
        }

        public string Action { get; }

        public XmlWriter Cases { get; }

        public int Tests { get; set; }

        public int Failures { get; set; }

        public int Skipped { get; set; }

        public void CopyCasesTo(XmlWriter xml)
        {
            Cases.Flush();
            spool.Position = 0;
            using var reader = new StreamReader(spool, new UTF8Encoding(false), false, 64 * 1024, leaveOpen: true);
            var buffer = new char[16 * 1024];
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                xml.WriteRaw(buffer, 0, read);
            }
            xml.WriteRaw("\n  ");
        }

        public void Dispose()
        {
            Cases.Dispose();
            spool.Dispose();
        }
    }
}
