using System.Collections.Frozen;
using Takedown.Core.Common;

namespace Takedown.Core.Users;

/// <summary>
/// What a password must be: 12 to 200 characters, not one of the 30,000 most common passwords (the list
/// ships with the project, see Users/CommonPasswords/README.md), not a common password padded with digits
/// or symbols, not a run of one or two characters, and not the person's own e-mail name.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 200;

    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    /// <summary>The first problem with <paramref name="password"/>, or null when it is acceptable.</summary>
    public static string? Check(string? password, string? email)
    {
        if (string.IsNullOrEmpty(password)) return "is required";
        if (password.Length < MinLength) return $"must be at least {MinLength} characters";
        if (password.Length > MaxLength) return $"must be at most {MaxLength} characters";
        var lower = password.ToLowerInvariant();
        if (lower.Distinct().Count() <= 2) return "is too repetitive";
        if (IsCommon(lower)) return "is one of the most common passwords";
        var local = email?.Split('@')[0].ToLowerInvariant();
        if (local is { Length: >= 4 } && lower.Contains(local, StringComparison.Ordinal)) return "must not contain your e-mail address";
        return null;
    }

    /// <summary>Adds the policy's verdict on <paramref name="field"/> to a validator.</summary>
    public static void Validate(Validator v, string field, string? password, string? email)
    {
        if (Check(password, email) is { } problem) v.Add(field, problem);
    }

    private static bool IsCommon(string lower)
    {
        if (Common.Value.Contains(lower)) return true;
        // "password123456", "!!qwerty2024!!": a common word with digits and symbols around it.
        var core = lower.Trim("0123456789!@#$%^&*()-_=+.,;:?/\\|~`'\" ".ToCharArray());
        return core.Length > 0 && core.Length < lower.Length && Common.Value.Contains(core);
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("common-passwords.txt")
                           ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) set.Add(line.Trim().ToLowerInvariant());
        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
