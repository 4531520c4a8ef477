using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSNetTools.Commands.XmlRpc;

/// <summary>
/// Makes a handler answer what its author means. PowerShell unrolls what a scriptblock outputs, so
/// <c>{ param($value) $value }</c> answered the bytes of b'ab' as an array of ints, [] as nil and [7] as 7. When the
/// last statement is an expression, its value is written as one object (<c>,(...)</c>), so an array stays one array,
/// empty or of one item. Commands (Get-ChildItem) and earlier statements still stream: one item is the answer,
/// several an array, none nil.
/// </summary>
internal static class HandlerAnswer
{
    public static string LastExpressionAsIs(ScriptBlock script)
    {
        var ast = (ScriptBlockAst)script.Ast;
        var text = ast.Extent.Text;
        var start = ast.Extent.StartOffset;
        var last = ast.EndBlock?.Statements.LastOrDefault();
        var expression = last switch
        {
            PipelineAst { PipelineElements: [CommandExpressionAst { Redirections.Count: 0 } e] } => e.Expression,
            ReturnStatementAst { Pipeline: PipelineAst { PipelineElements: [CommandExpressionAst { Redirections.Count: 0 } e] } } => e.Expression,
            _ => null,
        };
        // ,$x (an array literal) already says "this one value", the documented idiom: wrapping it again would answer
        // [[...]]. A literal like 1, 2 is an array already too.
        if (expression is not null and not ArrayLiteralAst)
        {
            var from = expression.Extent.StartOffset - start;
            var to = expression.Extent.EndOffset - start;
            text = text[..from] + ",(" + text[from..to] + ")" + text[to..];
        }
        // A scriptblock literal's extent includes its braces; a function body does not.
        if (ast.Parent is ScriptBlockExpressionAst) text = text[1..^1];
        return text;
    }
}
