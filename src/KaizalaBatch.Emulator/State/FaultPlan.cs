namespace KaizalaBatch.Emulator.State;

internal enum Fault
{
    None,
    InternalServerError,
    ServiceUnavailable,
    Reset,
    Slow,
    AcceptDrop,
}

/// <summary>
/// Which fault, if any, hits API call number n. A pure function of (Seed, n): one uniform draw
/// from a SplitMix64 hash is split into consecutive bands 5xx | reset | slow | accept-drop, so
/// the rates hold as configured and the same seed with the same call sequence gives the same faults.
/// </summary>
internal sealed class FaultPlan(EmulatorOptions options)
{
    public Fault Draw(long callNumber, bool isActionPost)
    {
        var hash = Mix(unchecked(((ulong)(uint)options.Seed << 32) ^ (ulong)callNumber));
        var u = (hash >> 11) * (1.0 / (1UL << 53));
        var band = options.Fault5xx;
        if (u < band)
        {
            return (hash & 1) == 0 ? Fault.InternalServerError : Fault.ServiceUnavailable;
        }

        band += options.FaultReset;
        if (u < band)
        {
            return Fault.Reset;
        }

        band += options.FaultSlow;
        if (u < band)
        {
            return Fault.Slow;
        }

        band += options.FaultAcceptDrop;
        return u < band && isActionPost ? Fault.AcceptDrop : Fault.None;
    }

    private static ulong Mix(ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
