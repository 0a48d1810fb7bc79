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
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }

        int? rate = null, channels = null, bits = null;
        var offset = 12;
        while (offset + 8 <= data.Length)
        {
            var id = data.Slice(offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(offset + 4, 4));
            var body = offset + 8;
            if (size < 0 || body + size > data.Length)
            {
                size = data.Length - body; // tolerate a truncated final chunk length, as most readers do
            }

            if (id.SequenceEqual("fmt "u8))
            {
                var format = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body + 2, 2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(body + 4, 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body + 14, 2));
                if (format == 0xFFFE && size >= 26)
                {
                    format = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(body + 24, 2)); // WAVE_FORMAT_EXTENSIBLE sub-format
                }

                if (format != 1 || bits is not (16 or 24) || channels is < 1 or > 8)
                {
                    throw new InvalidDataException($"Only 16- or 24-bit integer PCM is supported (format {format}, {bits} bits, {channels} channels).");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (rate is null)
                {
                    throw new InvalidDataException("The data chunk comes before the fmt chunk.");
                }

                var bytesPerSample = bits!.Value / 8;
                var count = size / bytesPerSample / channels!.Value * channels.Value;
                var samples = new int[count];
                var pcm = data.Slice(body, count * bytesPerSample);
                for (var i = 0; i < count; i++)
                {
                    samples[i] = bytesPerSample == 2
                        ? BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(i * 2, 2))
                        : (pcm[i * 3] | (pcm[(i * 3) + 1] << 8) | ((sbyte)pcm[(i * 3) + 2] << 16));
                }

                return new PcmWav(rate.Value, channels.Value, bits.Value, samples);
            }

            offset = body + size + (size & 1);
        }

        throw new InvalidDataException("No data chunk.");
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
