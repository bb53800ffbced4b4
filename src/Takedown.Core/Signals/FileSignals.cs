using Takedown.Core.Common;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Core.Signals;

/// <summary>An uploaded file being turned into signals; its digests are computed once, whichever kinds ask.</summary>
public sealed class UploadedFile(ReadOnlyMemory<byte> bytes, string? name, FileShape? shape)
{
    private string? _md5;
    private string? _sha256;
    private VideoContainer? _container;
    private bool _sniffed;

    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    /// <summary>The name the client gave, if any (only a hint: a .txt file is text).</summary>
    public string? Name { get; } = name;

    /// <summary>What the file was recognised as; null when a bank upload asked for a kind and nothing was recognised.</summary>
    public FileShape? Shape { get; } = shape;

    public string Md5 => _md5 ??= ExactHashes.Md5Hex(Bytes.Span);

    public string Sha256 => _sha256 ??= ExactHashes.Sha256Hex(Bytes.Span);

    /// <summary>The video container the bytes are, or null when they are none we accept.</summary>
    public VideoContainer? Container
    {
        get
        {
            if (!_sniffed) (_container, _sniffed) = (VideoSniffer.Sniff(Bytes.Span), true);
            return _container;
        }
    }

    /// <summary>What the match API reports about the file; kinds add what they computed.</summary>
    public FileHashes Hashes { get; set; } = new(null, null, "", "", null);
}

/// <summary>A file's signals to look up, and what is reported about them.</summary>
public sealed record FileQuery(FileShape Shape, IReadOnlyList<Signal> Signals, FileHashes Hashes);

/// <summary>
/// The one entry point from an uploaded file to its signals, for bank uploads, matching and review checks alike.
/// A file is recognised by its bytes: a video container is a video; a playlist or manifest, or other bytes named
/// as a video, are refused before ffmpeg runs; a file named .txt is UTF-8 text; anything else is an image (which
/// may fail to decode: its exact digests still count).
/// </summary>
public sealed class FileSignals(SignalKinds kinds, HashingOptions hashing)
{
    /// <summary>What the file is, or a problem naming the file when it poses as a video.</summary>
    public static Result<FileShape> Recognise(ReadOnlySpan<byte> bytes, string? name)
    {
        if (VideoSniffer.Sniff(bytes) is not null) return FileShape.Video;
        if (name is not null && name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)) return FileShape.Text;
        if (VideoSniffer.IsDeclaredVideo(name) || VideoSniffer.Manifest(bytes) is not null) return Error.Invalid("file", VideoSniffer.Refusal(bytes));
        return FileShape.Image;
    }

    /// <summary>Every signal to look up for a file (each kind adds its own: digests always, PDQ for an image, vPDQ for a video, text for text).</summary>
    public async Task<Result<FileQuery>> QueryAsync(ReadOnlyMemory<byte> bytes, string? name, CancellationToken ct)
    {
        if (bytes.Length > hashing.MaxUploadBytes)
            return FileError(new DecodeError(DecodeErrorKind.FileTooLarge, $"file too large: {bytes.Length} bytes exceeds the {hashing.MaxUploadBytes}-byte limit"));
        if (bytes.IsEmpty) return Error.Invalid("file", "empty file");
        var shape = Recognise(bytes.Span, name);
        if (!shape.IsSuccess) return shape.Error!;
        var file = new UploadedFile(bytes, name, shape.Value);
        file.Hashes = new FileHashes(null, null, file.Md5, file.Sha256, null);
        var signals = new List<Signal>();
        foreach (var kind in kinds.All)
        {
            var found = await kind.QueriesFromFileAsync(file, ct);
            if (!found.IsSuccess) return found.Error!;
            signals.AddRange(found.Value);
        }
        return new FileQuery(shape.Value, signals, file.Hashes);
    }

    /// <summary>The bank entry a file gives as <paramref name="kind"/>, or without one as the kind its shape calls for (an image: pdq; a video: vpdq).</summary>
    public async Task<Result<SignalEntry>> EntryAsync(SignalKind? kind, ReadOnlyMemory<byte> bytes, string? name, CancellationToken ct)
    {
        FileShape? shape = null;
        if (kind is null)
        {
            var recognised = Recognise(bytes.Span, name);
            if (!recognised.IsSuccess) return recognised.Error!;
            shape = recognised.Value;
            kind = kinds.SignalOf(recognised.Value);
            if (kind is not { FromFile: true }) return Error.Invalid("signal_type", $"is required for this file (one of: {string.Join(", ", kinds.FileNames)})");
        }
        return await kind.EntryFromFileAsync(new UploadedFile(bytes, name, shape), ct);
    }

    /// <summary>A decoding failure as a problem naming the file: too large is 413, anything else 400.</summary>
    internal static Error FileError(DecodeError error) => error.Kind == DecodeErrorKind.FileTooLarge
        ? new Error(ErrorKind.TooLarge, "File too large", error.Reason, new Dictionary<string, string[]> { ["file"] = [error.Reason] })
        : Error.Invalid("file", error.Reason);
}
