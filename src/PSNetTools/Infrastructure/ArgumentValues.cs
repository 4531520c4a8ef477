using System.Collections;
using System.Management.Automation;

namespace PSNetTools.Infrastructure;

/// <summary>What an argument transformation receives, as the single values a user meant.</summary>
internal static class ArgumentValues
{
    /// <summary>
    /// The leaves of an argument: PSObjects unwrapped, arrays and lists (nested too, as `80, (22, 443)` arrives)
    /// opened, strings kept whole.
    /// </summary>
    public static IEnumerable<object?> Flatten(object? input)
    {
        var value = input is PSObject ps ? ps.BaseObject : input;
        if (value is IEnumerable e and not string)
        {
            foreach (var item in e)
            {
                foreach (var inner in Flatten(item)) yield return inner;
            }
        }
        else
        {
            yield return value;
        }
    }
}
