namespace Takedown.Core.Common;

/// <summary>
/// Who is calling: an organisation acting through one of its keys, or one of its people. PersonId names the
/// person when there is one (a person's key, or a signed-in member); a service key has none.
/// </summary>
public sealed record Caller(Guid OrganizationId, string Kind, Guid KeyId, string ActorName, Guid? PersonId = null)
{
    public bool IsOperator => Kind == OrganizationKinds.Operator;
    public bool IsAuthority => Kind == OrganizationKinds.Authority;
    public bool IsPlatform => Kind == OrganizationKinds.Platform;
    public bool IsOversight => Kind == OrganizationKinds.Oversight;

    /// <summary>The actor for work the service does on its own (sweeps, bootstrap).</summary>
    public static readonly Caller System = new(Guid.Empty, OrganizationKinds.Operator, Guid.Empty, "system");
}

public static class OrganizationKinds
{
    public const string Operator = "operator";
    public const string Authority = "authority";
    public const string Platform = "platform";
    public const string Isp = "isp";
    public const string SearchEngine = "search_engine";
    public const string Oversight = "oversight";

    /// <summary>The kinds the operator may create (there is one operator, made by bootstrap).</summary>
    public static readonly string[] Creatable = [Authority, Platform, Isp, SearchEngine, Oversight];
}
