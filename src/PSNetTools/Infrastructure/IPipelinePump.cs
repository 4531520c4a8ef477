namespace PSNetTools.Infrastructure;

/// <summary>The cmdlet's view of its pump whatever the item type: FinishPump finishes it, Dispose stops it.</summary>
internal interface IPipelinePump : IDisposable
{
    void Finish();
}
