namespace Takedown.Core.Common;

/// <summary>The kinds of expected failure; each maps to one HTTP status and one CLI exit code.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Unauthorized,
    TooLarge,
    Unavailable,
}

/// <summary>An expected failure, carried as a value. <see cref="Fields"/> names each bad input field.</summary>
public sealed record Error(ErrorKind Kind, string Title, string? Detail = null, IReadOnlyDictionary<string, string[]>? Fields = null)
{
    public static Error NotFound(string what) => new(ErrorKind.NotFound, $"{what} not found",
        $"No {what} with that id is visible to your organisation.");

    public static Error Conflict(string detail, string? field = null) => new(ErrorKind.Conflict, "Conflict", detail,
        field is null ? null : new Dictionary<string, string[]> { [field] = [detail] });

    public static Error Forbidden(string detail) => new(ErrorKind.Forbidden, "Forbidden", detail);

    public static Error Invalid(string field, string message) =>
        new(ErrorKind.Validation, "Invalid request", $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] });

    public static Error Invalid(IReadOnlyDictionary<string, string[]> fields) =>
        new(ErrorKind.Validation, "Invalid request",
            string.Join("; ", fields.Select(f => $"{f.Key}: {string.Join(", ", f.Value)}")), fields);
}

/// <summary>Either a value or an <see cref="Error"/>.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => Error is null ? _value! : throw new InvalidOperationException($"Result is a failure: {Error.Title}");

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);
}

/// <summary>Collects field errors while validating a request.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public bool Require(string field, object? value)
    {
        if (value is null || (value is string s && string.IsNullOrWhiteSpace(s)))
        {
            Add(field, "is required");
            return false;
        }
        return true;
    }

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max) Add(field, $"must be at most {max} characters");
    }

    public bool OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = true)
    {
        if (value is null)
        {
            if (required) Add(field, $"is required (one of: {string.Join(", ", allowed)})");
            return false;
        }
        if (!allowed.Contains(value))
        {
            Add(field, $"'{Truncate(value)}' is not one of: {string.Join(", ", allowed)}");
            return false;
        }
        return true;
    }

    public Error ToError() => Error.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
