using System.IO.Compression;
using System.Text;

namespace KaizalaBatch.Ledger;

/// <summary>How a ledger keeps the actionBody an item was sent with: its compact JSON text, UTF-8, Brotli-compressed.
/// Survey and Job bodies repeat their keys and option texts, so they shrink to a fraction; one format for every backend,
/// so a ledger's bodies read the same whichever store holds them.</summary>
public static class SentBodies
{
    /// <summary>The most a kept body may grow to when read back: far above any body the service takes, low enough that a
    /// damaged value cannot exhaust memory.</summary>
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    public static byte[] Compress(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        using var output = new MemoryStream(bytes.Length / 3 + 16);
        // Quality 1: spent while a sender waits for its mark, on every item; 5 took about 6% of a run's CPU
        // (bench/send-throughput.sh, perf) for bodies a few percent smaller. Any quality decompresses the same way.
        using (var brotli = new BrotliStream(output, new BrotliCompressionOptions { Quality = 1 }, leaveOpen: true))
        {
            brotli.Write(bytes);
        }
        return output.ToArray();
    }

    /// <summary>The JSON text again; null when the value is damaged (or larger than any body could be), so that a reader
    /// says "not kept" rather than failing. Damage Brotli does not notice shows as text that is not JSON, which the
    /// reader treats the same way.</summary>
    public static string? Decompress(byte[] compressed)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        try
        {
            using var input = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxBodyBytes)
                {
                    return null;
                }
                output.Write(buffer, 0, read);
            }
            // A body is never empty (at least "{}"); Brotli reads some damaged input as nothing rather than failing.
            return output.Length == 0 ? null : Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
