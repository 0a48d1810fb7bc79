namespace CambApi.Simulator;

/// <summary>The container/codec an upload's bytes hold, read from its first bytes (as the service must: SDKs send names like "blob").</summary>
internal enum AudioFormat
{
    /// <summary>No audio signature the service knows.</summary>
    Unknown,
    Wav,
    Mp3,
    Flac,
    Aac,

    /// <summary>Recognizable audio the service does not take (Ogg): SOURCE_TYPE_NOT_SUPPORTED.</summary>
    Unsupported,
}

/// <summary>
/// Magic-number sniffing for the four formats the vendor lists (WAV, MP3, FLAC, AAC as ADTS or in an MP4/M4A
/// box). Hand-written: it is a dozen byte comparisons, and ffmpeg (the only served decoder) may be absent.
/// </summary>
internal static class AudioSniffer
{
    public static AudioFormat Sniff(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WAVE"u8))
        {
            return AudioFormat.Wav;
        }

        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8))
        {
            return AudioFormat.Aac; // an MP4/M4A container: the service's "AAC"
        }

        if (data.Length >= 4 && data[..4].SequenceEqual("OggS"u8))
        {
            return AudioFormat.Unsupported;
        }

        // An ID3v2 tag (synchsafe size in bytes 6-9) may precede MP3, AAC or even FLAC frames.
        if (data.Length >= 10 && data[..3].SequenceEqual("ID3"u8))
        {
            var size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9];
            data = data.Length > 10 + size ? data[(10 + size)..] : [];
        }

        if (data.Length >= 4 && data[..4].SequenceEqual("fLaC"u8))
        {
            return AudioFormat.Flac;
        }

        if (data.Length >= 2 && data[0] == 0xFF)
        {
            // 0xFFF + layer 00 is an ADTS (AAC) header; 0xFFE + a non-zero layer is an MPEG audio frame.
            if ((data[1] & 0xF6) == 0xF0)
            {
                return AudioFormat.Aac;
            }

            if ((data[1] & 0xE0) == 0xE0 && (data[1] & 0x06) != 0 && (data[1] & 0x18) != 0x08)
            {
                return AudioFormat.Mp3;
            }
        }

        return AudioFormat.Unknown;
    }

    /// <summary>The format a file name claims, or null when its extension claims none we know (blob, .bin, no extension).</summary>
    public static AudioFormat? Claimed(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".wav" or ".wave" => AudioFormat.Wav,
        ".mp3" => AudioFormat.Mp3,
        ".flac" => AudioFormat.Flac,
        ".aac" or ".m4a" or ".mp4" => AudioFormat.Aac,
        ".ogg" or ".oga" or ".opus" => AudioFormat.Unsupported,
        _ => null,
    };

    /// <summary>The extension ffmpeg is given for a sniffed format (its demuxer probes content anyway).</summary>
    public static string Extension(AudioFormat format) => format switch
    {
        AudioFormat.Wav => ".wav",
        AudioFormat.Mp3 => ".mp3",
        AudioFormat.Flac => ".flac",
        _ => ".m4a",
    };
}
