using System.Security.Cryptography;

namespace CambApi.Fleet;

/// <summary>
/// The input as the upload reads it, hashed in the same pass: at its end, a content other than the one submitted (the file
/// was changed or replaced since) fails the read instead of ending it, so the request is cut off before its body is whole —
/// the service never gets a complete upload to charge for — and the file is failed as changed, not filed done under the
/// old content's hash. Forward-only on purpose: the library then sends it once and never retries underneath the fleet.
/// </summary>
/// <remarks>Hand-written: nothing in the BCL or our packages checks a hash while a stream is consumed.</remarks>
internal sealed class HashCheckedStream(Stream inner, string expectedSha256, string path) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Checked(buffer.AsSpan(offset, count), inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Checked(buffer, inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Checked(buffer.Span, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Checked(ReadOnlySpan<byte> buffer, int read)
    {
        if (read > 0)
        {
            _hash.AppendData(buffer[..read]);
            return read;
        }

        if (_checked)
        {
            return 0; // the end, read again
        }

        _checked = true;

        var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InputChangedException(path, expectedSha256, actual);
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
