using System.Buffers;
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
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        var output = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(bytes.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, bytes);
            // Quality 1: spent while a sender waits for its mark, on every item; 5 took about 6% of a run's CPU
            // (bench/send-throughput.sh, perf) for bodies a few percent smaller. Any quality decompresses the same way.
            // One call into the encoder: a BrotliStream over a MemoryStream set up an encoder, a stream and their buffers
            // per body. The window only bounds how far back a match may reach (a body is far smaller than 64 KB).
            if (!BrotliEncoder.TryCompress(bytes.AsSpan(0, length), output, out var written, quality: 1, window: 16))
            {
                throw new InvalidOperationException("Brotli could not compress a body into its maximum compressed length.");
            }
            return output.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
            ArrayPool<byte>.Shared.Return(bytes);
        }
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
