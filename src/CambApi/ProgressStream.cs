namespace CambApi;

/// <summary>
/// A read-through stream that reports how many bytes have been read, for upload progress. Hand-written: the
/// framework has no progress-reporting stream, and the upload must stay streamed (no buffering). It keeps
/// the inner stream's seekability and length, so Content-Length is still sent and a retry can rewind.
/// </summary>
internal sealed class ProgressStream(Stream inner, IProgress<long> progress) : Stream
{
    private long _reported;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Report(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Report(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Report(int read)
    {
        if (read > 0)
        {
            _reported = CanSeek ? inner.Position : _reported + read;
            progress.Report(_reported);
        }

        return read;
    }
}
