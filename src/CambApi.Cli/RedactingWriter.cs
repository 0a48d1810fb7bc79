using System.Text;

namespace CambApi.Cli;

/// <summary>
/// Every line the CLI writes passes through here with the command line's secrets masked (<see cref="Secrets"/>), so
/// no path — a parse error, an "input file does not exist", a service message — can print the key. Buffers to the end
/// of a line because a secret may arrive in pieces; thread-safe because files are processed in parallel.
/// </summary>
internal sealed class RedactingWriter(TextWriter inner, IReadOnlyList<string> secrets) : TextWriter
{
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _pending.Append(value);
            if (value == '\n')
            {
                Emit();
            }
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_gate)
        {
            _pending.Append(value);
            if (value.Contains('\n', StringComparison.Ordinal))
            {
                Emit();
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            _pending.Append(value).Append(NewLine);
            Emit();
        }
    }

    // The base class would run these on the thread pool, out of order with the synchronous writes.
    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override void Flush()
    {
        lock (_gate)
        {
            if (_pending.Length > 0)
            {
                inner.Write(Secrets.Redact(_pending.ToString(), secrets));
                _pending.Clear();
            }

            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    /// <summary>Writes every complete line pending, masked; keeps a partial last line for more text.</summary>
    private void Emit()
    {
        var text = _pending.ToString();
        var end = text.LastIndexOf('\n') + 1;
        inner.Write(Secrets.Redact(text[..end], secrets));
        _pending.Remove(0, end);
    }
}
