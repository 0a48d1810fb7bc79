using System.Buffers.Binary;

namespace CambApi;

/// <summary>
/// Reads integer PCM WAV (16- or 24-bit, any channel count) into samples: for the simulator's <c>PcmWav</c> (its public
/// type for consumers' tests) and the CLI's check that the two tracks sum to the input. Here, in the library both load
/// anyway, so the CLI never loads the simulator to talk to the real service. Hand-written because no served .NET audio
/// library reads WAV without native codecs, and the check needs exact integers.
/// </summary>
internal static class PcmWavReader
{
    /// <exception cref="InvalidDataException">Not a RIFF/WAVE file, or not 16/24-bit integer PCM.</exception>
    public static (int SampleRate, int Channels, int BitsPerSample, int[] Samples) Read(ReadOnlySpan<byte> data)
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

                return (rate.Value, channels.Value, bits.Value, samples);
            }

            offset = body + size + (size & 1);
        }

        throw new InvalidDataException("No data chunk.");
    }

    /// <summary>
    /// A WAV file's length in seconds from its header alone (the fmt chunk's byte rate, the data chunk's size); null when the
    /// file is not a WAV this reader understands. For the fleet's poll schedule: how long processing takes per second of audio.
    /// </summary>
    public static double? DurationSeconds(string path)
    {
        Span<byte> header = stackalloc byte[4096];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        var data = header[..read];
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data[8..12].SequenceEqual("WAVE"u8))
        {
            return null;
        }

        int? byteRate = null;
        for (var offset = 12; offset + 8 <= data.Length;)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(offset + 4, 4));
            if (data.Slice(offset, 4).SequenceEqual("fmt "u8) && offset + 16 <= data.Length)
            {
                byteRate = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(offset + 12, 4));
            }
            else if (data.Slice(offset, 4).SequenceEqual("data"u8))
            {
                return byteRate is > 0 ? (double)(uint)size / byteRate.Value : null;
            }

            offset += 8 + Math.Max(0, size) + (size & 1);
        }

        return null;
    }
}
