using Takedown.Core.Common;
using Takedown.Core.Users;

namespace Takedown.Core.Organizations;

/// <summary>
/// What a key may do. Every API route needs one scope: reading needs <see cref="Read"/>, changing needs
/// <see cref="Write"/>, the second person's step of a two-person step needs <see cref="Approve"/>, and managing
/// keys, members and the organisation's settings needs <see cref="Admin"/>.
/// </summary>
public static class Scopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Approve = "approve";
    public const string Admin = "admin";

    /// <summary>All scopes, in their canonical order.</summary>
    public static readonly string[] All = [Read, Write, Approve, Admin];

    /// <summary>An organisation's first key, and every key from before scopes: a service key that manages the organisation.</summary>
    public static readonly string[] ServiceDefault = [Read, Write, Admin];

    /// <summary>What a new key gets when its creator names no scopes.</summary>
    public static readonly string[] NewKeyDefault = [Read, Write];

    /// <summary>What a person may do, from their role: admins everything; analysts and moderators all but admin; viewers read.</summary>
    public static string[] ForRole(string? role) => role switch
    {
        Roles.Admin => All,
        Roles.Analyst or Roles.Moderator => [Read, Write, Approve],
        Roles.Viewer => [Read],
        _ => [],
    };

    /// <summary>Reads the stored form (space-separated); unknown words are dropped, so a bad row grants nothing.</summary>
    public static string[] Parse(string? stored) =>
        Canonical((stored ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(All.Contains));

    /// <summary>The stored form: the canonical order, space-separated.</summary>
    public static string Format(IEnumerable<string> scopes) => string.Join(' ', Canonical(scopes));

    public static string[] Canonical(IEnumerable<string> scopes)
    {
        var set = scopes.ToHashSet(StringComparer.Ordinal);
        return All.Where(set.Contains).ToArray();
    }

    /// <summary>Checks requested scopes: each one known, at least one, none twice.</summary>
    public static Result<string[]> Validate(string field, IReadOnlyList<string?>? requested)
    {
        if (requested is null) return NewKeyDefault;
        if (requested.Count == 0) return Error.Invalid(field, $"must name at least one of {string.Join(", ", All)}");
        foreach (var s in requested)
            if (s is null || !All.Contains(s, StringComparer.Ordinal))
                return Error.Invalid(field, $"'{s}' is not a scope; the scopes are {string.Join(", ", All)}");
        if (requested.Distinct(StringComparer.Ordinal).Count() != requested.Count) return Error.Invalid(field, "names a scope twice");
        return Canonical(requested!);
    }
}
