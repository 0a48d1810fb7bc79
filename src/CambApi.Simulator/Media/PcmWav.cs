using System.Buffers.Binary;

namespace CambApi.Simulator;

/// <summary>
/// Integer PCM WAV (16- or 24-bit, any channel count): samples as ints, written back in the same format.
/// Hand-written because no served .NET audio library reads and writes WAV without native codecs, and the
/// simulator must do exact integer arithmetic (foreground + background == input, sample for sample).
/// </summary>
public sealed record PcmWav(int SampleRate, int Channels, int BitsPerSample, int[] Samples)
{
    /// <summary>Samples per channel.</summary>
    public int FrameCount => Samples.Length / Channels;

    /// <summary>The largest sample value at this bit depth.</summary>
    public int MaxValue => (1 << (BitsPerSample - 1)) - 1;

    /// <summary>The smallest sample value at this bit depth.</summary>
    public int MinValue => -(1 << (BitsPerSample - 1));

    /// <exception cref="InvalidDataException">Not a RIFF/WAVE file, or not 16/24-bit integer PCM.</exception>
    public static PcmWav Read(ReadOnlySpan<byte> data)
    {
        var (rate, channels, bits, samples) = PcmWavReader.Read(data);
        return new PcmWav(rate, channels, bits, samples);
    }

    /// <summary>The WAV file: a RIFF header and the samples in the same format as read.</summary>
    public byte[] ToBytes()
    {
        var bytesPerSample = BitsPerSample / 8;
        var dataSize = Samples.Length * bytesPerSample;
        var bytes = new byte[44 + dataSize];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataSize);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], (short)Channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * Channels * bytesPerSample);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], (short)(Channels * bytesPerSample));
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], (short)BitsPerSample);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataSize);
        var pcm = span[44..];
        for (var i = 0; i < Samples.Length; i++)
        {
            var s = Samples[i];
            if (bytesPerSample == 2)
            {
                BinaryPrimitives.WriteInt16LittleEndian(pcm[(i * 2)..], (short)s);
            }
            else
            {
                pcm[i * 3] = (byte)s;
                pcm[(i * 3) + 1] = (byte)(s >> 8);
                pcm[(i * 3) + 2] = (byte)(s >> 16);
            }
        }

        return bytes;
    }
}
