using System.Text;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Planning;

/// <summary>Finds repeated identities among up to millions of rows in little memory: per identity it keeps a 64-bit
/// XXH3 hash of (action, key) and its first row in a <see cref="CompactKeyTable"/>. A false match needs a 64-bit
/// collision: about 3 in 100 million at a million rows.</summary>
internal sealed class IdentityIndex
{
    private readonly CompactKeyTable table = new();

    /// <summary>The item, or null when its identity was seen before. Two rows with one identity are an input error
    /// (SPEC section 2), reported with both rows: the ledger could not tell them apart, so the run sends nothing.
    /// <paramref name="identity"/> is the item's <see cref="HashOf"/>, computed by the thread that rendered it, off the
    /// thread that checks every item in order.</summary>
    public RenderedItem? Check(RenderedItem item, ulong identity, Action<Diagnostic> report)
    {
        if (item.Key.Length == 0 || item.Rows.Count == 0 || table.FindOrAdd(identity, (uint)item.Rows[0]) is not { } earlier)
        {
            return item;
        }
        report(Diagnostic.Error(DiagnosticCodes.DuplicateIdentity,
            $"action '{item.Action}' has the key '{item.Key}' twice: {item.File} row {earlier} and row {item.Rows[0]} (line {item.FirstLine}); each item needs its own key",
            new SourceLocation(item.File ?? "", (int)item.FirstLine, Row: item.Rows[0], Field: "key")));
        return null;
    }

    /// <summary>Starts loading the slot of an identity about to be checked (see <see cref="CompactKeyTable.Touch"/>).</summary>
    public ulong Prefetch(ulong identity) => table.Touch(identity);

    /// <summary>XXH3 of UTF-8 action, 0, UTF-8 key: a well-mixed 64-bit hash without SHA-256's native round trip (a
    /// second one per row, after the content hash, cost plan about a tenth of its time in OpenSSL calls), written into
    /// one buffer without joining the strings first. Thread-safe.</summary>
    public static ulong HashOf(string action, string key)
    {
        var byteCount = Encoding.UTF8.GetByteCount(action) + 1 + Encoding.UTF8.GetByteCount(key);
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        var written = Encoding.UTF8.GetBytes(action, bytes);
        bytes[written++] = 0;
        Encoding.UTF8.GetBytes(key, bytes[written..]);
        return System.IO.Hashing.XxHash3.HashToUInt64(bytes);
    }
}
