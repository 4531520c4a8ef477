namespace PSNetTools.Scraping;

/// <summary>A table's colspans and rowspans expand to more cells than <see cref="TableGrid.MaxCells"/>.</summary>
public sealed class TableTooLargeException : Exception
{
    public const string ErrorId = "TableTooLarge";

    public TableTooLargeException(int maxCells)
        : base($"The table expands to more than {maxCells:N0} cells once its colspans and rowspans are applied; it was not read.")
    {
    }

    public TableTooLargeException()
    {
    }

    public TableTooLargeException(string message)
        : base(message)
    {
    }

    public TableTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
