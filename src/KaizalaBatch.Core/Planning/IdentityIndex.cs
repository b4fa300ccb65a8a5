using System.Text;
using KaizalaBatch.Diagnostics;

namespace KaizalaBatch.Planning;

/// <summary>Finds repeated identities among up to millions of rows in little memory: per identity it keeps a 64-bit
/// XXH3 hash of (action, key) and its first row, 12 bytes in an open-addressing table (a Dictionary of
/// the key hash, row and line took about 45 bytes and doubled while growing: the largest part of plan's memory at
/// 1,000,000 rows). A false match needs a 64-bit collision: about 3 in 100 million at a million rows.</summary>
internal sealed class IdentityIndex
{
    // Sixteen tables, each growing on its own: a growth step copies a sixteenth of the index, so the old and new
    // arrays alive together stay small (they were the peak of plan's memory at a million rows).
    private readonly Shard[] shards = [.. Enumerable.Range(0, 16).Select(_ => new Shard())];

    /// <summary>The item, or null when its identity was seen before. Two rows with one identity are an input error
    /// (SPEC section 2), reported with both rows: the ledger could not tell them apart, so the run sends nothing.</summary>
    public RenderedItem? Check(RenderedItem item, Action<Diagnostic> report)
    {
        if (item.Key.Length == 0 || item.Rows.Count == 0 || FindDuplicate(item.Action, item.Key, item.Rows[0]) is not { } earlier)
        {
            return item;
        }
        report(Diagnostic.Error(DiagnosticCodes.DuplicateIdentity,
            $"action '{item.Action}' has the key '{item.Key}' twice: {item.File} row {earlier} and row {item.Rows[0]} (line {item.FirstLine}); each item needs its own key",
            new SourceLocation(item.File ?? "", (int)item.FirstLine, Row: item.Rows[0], Field: "key")));
        return null;
    }

    private long? FindDuplicate(string action, string key, long row)
    {
        var text = action + "\0" + key;
        var byteCount = Encoding.UTF8.GetByteCount(text);
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(text, bytes);
        // XXH3: a well-mixed 64-bit hash without SHA-256's native round trip (a second one per row, after the
        // content hash, cost plan about a tenth of its time in OpenSSL calls). 0 marks an empty slot. The low bits
        // pick the shard, the high bits the slot within it.
        var id = Math.Max(1UL, System.IO.Hashing.XxHash3.HashToUInt64(bytes));
        return shards[(int)(id & 15)].FindOrAdd(id, row);
    }

    private sealed class Shard
    {
        private const double MaxLoad = 0.7;
        private ulong[] keys = new ulong[64];
        private uint[] rows = new uint[64];
        private int count;

        /// <summary>The first row of <paramref name="id"/>, or null after adding it with <paramref name="row"/>.</summary>
        public long? FindOrAdd(ulong id, long row)
        {
            var slot = Find(keys, id);
            if (keys[slot] == id)
            {
                return rows[slot];
            }
            if (count + 1 > keys.Length * MaxLoad)
            {
                Grow();
                slot = Find(keys, id);
            }
            keys[slot] = id;
            rows[slot] = (uint)row;
            count++;
            return null;
        }

        /// <summary>The slot that holds <paramref name="id"/>, or the empty slot where it would go (linear probing).</summary>
        private static int Find(ulong[] table, ulong id)
        {
            // Multiply-shift maps the (uniform) hash onto any table size, so the table can grow by half, not double.
            var slot = (int)Math.BigMul(id, (ulong)table.Length, out _);
            while (table[slot] != 0 && table[slot] != id)
            {
                slot = slot + 1 == table.Length ? 0 : slot + 1;
            }
            return slot;
        }

        private void Grow()
        {
            var size = keys.Length + keys.Length / 2;
            var newKeys = new ulong[size];
            var newRows = new uint[size];
            for (var i = 0; i < keys.Length; i++)
            {
                if (keys[i] != 0)
                {
                    var slot = Find(newKeys, keys[i]);
                    newKeys[slot] = keys[i];
                    newRows[slot] = rows[i];
                }
            }
            keys = newKeys;
            rows = newRows;
        }
    }
}
