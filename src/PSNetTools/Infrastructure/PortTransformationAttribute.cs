using System.Collections;
using System.Management.Automation;
using PSNetTools.Net;

namespace PSNetTools.Infrastructure;

/// <summary>
/// Turns what users type after -Port (22, '8000-8100', 22,80,8000-8100, or '22,80') into port ranges,
/// with a message that says what is wrong (0, 70000, 'abc', '10-5').
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PortTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var result = new List<PortRange>();
        foreach (var item in ArgumentValues.Flatten(inputData))
        {
            try
            {
                switch (item)
                {
                    case PortRange range:
                        result.Add(range);
                        break;
                    case int or long or short or byte or uint or ushort:
                        var n = Convert.ToInt64(item, System.Globalization.CultureInfo.InvariantCulture);
                        if (n is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(inputData), $"Port {n} is out of range: ports are 1 to 65535.");
                        result.Add(new PortRange((int)n, (int)n));
                        break;
                    default:
                        var text = item?.ToString() ?? "";
                        result.AddRange(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PortRange.Parse));
                        break;
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new ArgumentTransformationMetadataException(FirstLine(ex.Message), ex);
            }
        }
        if (result.Count == 0) throw new ArgumentTransformationMetadataException("No port given: write 80, 22,443 or 8000-8100.");
        return result.ToArray();
    }

    // ArgumentOutOfRangeException appends "(Parameter ...)" lines; users need only the first.
    private static string FirstLine(string message) => message.Split('\n')[0].Split(" (Parameter", StringSplitOptions.None)[0].Trim();
}
