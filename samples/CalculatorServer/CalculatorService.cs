using Grpc.Core;

namespace PSNetTools.Samples.Calculator;

/// <summary>calculator.Calculator: 32-bit Add and Multiply; a result outside Int32 fails with OUT_OF_RANGE.</summary>
public sealed class CalculatorService : Calculator.CalculatorBase
{
    public override Task<AddResponse> Add(AddRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(new AddResponse { Result = Checked(request.A, request.B, "+", static (a, b) => checked(a + b)) });
    }

    public override Task<MultiplyResponse> Multiply(MultiplyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(new MultiplyResponse { Result = Checked(request.A, request.B, "*", static (a, b) => checked(a * b)) });
    }

    private static int Checked(int a, int b, string op, Func<int, int, int> compute)
    {
        try
        {
            return compute(a, b);
        }
        catch (OverflowException)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, $"{a} {op} {b} overflows int32"));
        }
    }
}
