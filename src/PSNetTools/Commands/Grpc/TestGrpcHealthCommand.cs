using System.Management.Automation;
using PSNetTools.Grpc;

namespace PSNetTools.Commands.Grpc;

[Cmdlet(VerbsDiagnostic.Test, "GrpcHealth")]
[OutputType(typeof(GrpcHealthResult))]
[OutputType(typeof(bool))]
public sealed class TestGrpcHealthCommand : GrpcCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ComputerName", "Target")]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = "";

    /// <summary>Services to ask about; the empty name (the default) is the server as a whole.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(GrpcServiceCompleter))]
    public string[] Service { get; set; } = [""];

    [Parameter]
    [ValidateRange(0.01, 3600)]
    public double TimeoutSec { get; set; } = 5;

    /// <summary>Only $true (every service SERVING) or $false (anything else, unreachable included), like grpc_health_probe's exit code.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        var address = Address;
        var services = Service.Length == 0 ? [""] : Service;
        GrpcConnectionOptions options;
        try
        {
            // Paths and certificates are read here: PowerShell's session state belongs to the pipeline thread.
            options = ConnectionOptions(address);
        }
        catch (Exception ex) when (IsExpected(ex))
        {
            if (Quiet) WriteObject(false);
            else WriteError(Error(ex, address));
            return;
        }
        RunAsync(async (sink, ct) =>
        {
            var allServing = true;
            try
            {
                using var connection = GrpcConnection.Open(options with { Log = sink.WriteVerbose });
                foreach (var service in services)
                {
                    // One service's failure (a deadline, no health service) is its own error; the others are still asked.
                    try
                    {
                        var result = await GrpcHealthChecker.CheckAsync(connection, service ?? "", TimeSpan.FromSeconds(TimeoutSec), ct).ConfigureAwait(false);
                        sink.WriteVerbose($"{address} '{result.Service}': {result.Status} in {result.LatencyMs} ms");
                        allServing &= result.IsServing;
                        if (!Quiet) sink.WriteObject(result);
                    }
                    catch (GrpcCallException ex)
                    {
                        allServing = false;
                        if (Quiet) sink.WriteVerbose($"{address} '{service}': {ex.Message}");
                        else sink.WriteError(Error(ex, address));
                    }
                }
            }
            catch (Exception ex) when (IsExpected(ex))
            {
                allServing = false;
                if (Quiet) sink.WriteVerbose($"{address}: {ex.Message}");
                else sink.WriteError(Error(ex, address));
            }
            if (Quiet) sink.WriteObject(allServing);
        }, address);
    }
}
