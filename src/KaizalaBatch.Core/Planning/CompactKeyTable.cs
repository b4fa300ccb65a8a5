namespace KaizalaBatch.Planning;

/// <summary>A set of 64-bit hashes, each with a 32-bit value (a row), for up to millions of items in little memory: 12
/// bytes a slot in sixteen open-addressing tables (a Dictionary or HashSet of the same took 16 to 45 bytes an entry and
/// doubled while growing: the largest part of plan's memory at 1,000,000 rows). Each table grows on its own, by half,
/// so the old and new arrays alive together during a growth step stay small. Keys must be well mixed (XXH3); 0 is
/// taken to mean 1, since 0 marks an empty slot.</summary>
internal sealed class CompactKeyTable
{
    private readonly Shard[] shards = [.. Enumerable.Range(0, 16).Select(_ => new Shard())];

    /// <summary>The value stored with <paramref name="key"/>, or null after adding it with <paramref name="value"/>.
    /// The low bits pick the table, the high bits the slot within it.</summary>
    public uint? FindOrAdd(ulong key, uint value)
    {
        var id = Math.Max(1UL, key);
        return shards[(int)(id & 15)].FindOrAdd(id, value);
    }

    /// <summary>Reads the slot where <paramref name="key"/> would be looked for first, so that the cache line is on its
    /// way before <see cref="FindOrAdd"/> needs it: a lookup in a table of a million slots is a cache and TLB miss, and
    /// the loads of several keys touched one after the other overlap. The value is only to be consumed, never used.</summary>
    public ulong Touch(ulong key)
    {
        var id = Math.Max(1UL, key);
        return shards[(int)(id & 15)].Touch(id);
    }

    private sealed class Shard
    {
        private const double MaxLoad = 0.7;
        private ulong[] keys = new ulong[64];
        private uint[] values = new uint[64];
        private int count;

        public uint? FindOrAdd(ulong id, uint value)
        {
            var slot = Find(keys, id);
            if (keys[slot] == id)
            {
                return values[slot];
            }
            if (count + 1 > keys.Length * MaxLoad)
            {
                Grow();
                slot = Find(keys, id);
            }
            keys[slot] = id;
            values[slot] = value;
            count++;
            return null;
        }

        public ulong Touch(ulong id)
        {
            var table = keys;
            return table[(int)Math.BigMul(id, (ulong)table.Length, out _)];
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
            var newValues = new uint[size];
            for (var i = 0; i < keys.Length; i++)
            {
                if (keys[i] != 0)
                {
                    var slot = Find(newKeys, keys[i]);
                    newKeys[slot] = keys[i];
                    newValues[slot] = values[i];
                }
            }
            keys = newKeys;
            values = newValues;
        }
    }
}
