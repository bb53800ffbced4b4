using System.Reflection;
using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>
/// The authenticated <see cref="Caller"/> as a handler parameter: bound from the signed-in key or person
/// (<see cref="CallerClaims"/>), and passed on wherever a <see cref="Caller"/> is wanted. Not part of the API
/// description: it is who asks, not what is asked.
/// </summary>
internal sealed class ApiCaller
{
    private ApiCaller(Caller caller) => Caller = caller;

    public Caller Caller { get; }

    public static implicit operator Caller(ApiCaller caller) => caller.Caller;

    public static ValueTask<ApiCaller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<ApiCaller?>(new ApiCaller(context.User.ToCaller()));
}
