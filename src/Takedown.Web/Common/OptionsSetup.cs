using Microsoft.Extensions.Options;

namespace Takedown.Web.Common;

/// <summary>
/// The one way a feature's settings are wired: <c>AddOptions&lt;T&gt;().Bind(section)</c>, checks that name the key at
/// fault, <c>ValidateOnStart()</c>, and (for services that take the settings class itself) the validated value.
/// </summary>
internal static class OptionsSetup
{
    /// <summary>Every problem <paramref name="problems"/> finds fails start-up, each message naming its key.</summary>
    public static OptionsBuilder<T> ValidateProblems<T>(this OptionsBuilder<T> builder, Func<T, IEnumerable<string>> problems) where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(builder.Name, problems));
        return builder;
    }

    /// <summary>Services may take <typeparamref name="T"/> itself: the bound, validated value.</summary>
    public static OptionsBuilder<T> AsSingletonValue<T>(this OptionsBuilder<T> builder) where T : class
    {
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return builder;
    }

    private sealed class ProblemsValidator<T>(string? name, Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (name is not null && name != optionsName) return ValidateOptionsResult.Skip;
            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
