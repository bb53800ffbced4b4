using Takedown.Core.Common;
using System.Data.Common;
using Dapper;

namespace Takedown.Core.Organizations;

/// <summary>
/// What a caller may do now, read from the store rather than from what the caller carries: a key's scopes
/// (a person's key narrowed to what its person's role allows today), or a signed-in person's role. A revoked
/// key, or a key or session of a deactivated person, has no powers. <see cref="KeyCreatedByPerson"/> names the
/// person who created the key and so has seen its secret; two-person steps count them too.
/// </summary>
public sealed record CallerPowers(IReadOnlyList<string> Scopes, Guid? PersonId, Guid? KeyCreatedByPerson)
{
    public static readonly CallerPowers None = new([], null, null);

    public bool Has(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    private sealed record KeyRow(string scopes, string? person_id, string? created_by_person, string? revoked_at,
        string? role, string? deactivated_at, string? person_org);

    public static async Task<CallerPowers> OfAsync(DbConnection c, DbTransaction? tx, Caller caller)
    {
        // The service itself (bootstrap, the operator's command line on the server) holds every scope; it is no person.
        if (caller == Caller.System) return new(Organizations.Scopes.All, null, null);
        var key = await c.QuerySingleOrDefaultAsync<KeyRow>(
            """
            SELECT k.scopes, k.person_id, k.created_by_person, k.revoked_at, u.role, u.deactivated_at, u.org_id AS person_org
            FROM api_keys k LEFT JOIN users u ON u.id = k.person_id
            WHERE k.id = @id AND k.org_id = @org
            """, new { id = caller.KeyId.ToString(), org = caller.OrganizationId.ToString() }, tx);
        if (key is not null)
        {
            if (key.revoked_at is not null) return None;
            var createdBy = key.created_by_person is null ? (Guid?)null : Guid.Parse(key.created_by_person);
            var scopes = Organizations.Scopes.Parse(key.scopes);
            if (key.person_id is null) return new(scopes.Where(s => s != Organizations.Scopes.Approve).ToArray(), null, createdBy);
            if (key.role is null || key.deactivated_at is not null || key.person_org != caller.OrganizationId.ToString()) return None;
            return new(Effective(scopes, key.role), Guid.Parse(key.person_id), createdBy);
        }
        if (caller.PersonId is { } person)
        {
            var user = await c.QuerySingleOrDefaultAsync<(string role, string? deactivated_at)?>(
                "SELECT role, deactivated_at FROM users WHERE id = @id AND org_id = @org",
                new { id = person.ToString(), org = caller.OrganizationId.ToString() }, tx);
            if (user is null || user.Value.deactivated_at is not null) return None;
            return new(Organizations.Scopes.ForRole(user.Value.role), person, null);
        }
        return None;
    }

    /// <summary>A person's key can do no more than its person's role allows today (a demoted person's keys shrink at once).</summary>
    public static string[] Effective(IEnumerable<string> keyScopes, string role) =>
        Organizations.Scopes.Canonical(keyScopes.Intersect(Organizations.Scopes.ForRole(role)));
}
