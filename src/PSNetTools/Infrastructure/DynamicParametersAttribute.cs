namespace PSNetTools.Infrastructure;

/// <summary>
/// Names the class whose [Parameter] properties a cmdlet returns from GetDynamicParameters, so tools that read the
/// assembly without running it (tools/HelpGen) know those parameters too. A module test checks that the attribute and
/// what Get-Command shows agree.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class DynamicParametersAttribute(Type parameters) : Attribute
{
    public Type Parameters { get; } = parameters;
}
