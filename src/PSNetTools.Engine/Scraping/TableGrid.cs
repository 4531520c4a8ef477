using AngleSharp.Html.Dom;

namespace PSNetTools.Scraping;

/// <summary>
/// A table as rows of cells with every colspan and rowspan expanded, and a unique name per column: the header text,
/// "Column3" where the header is empty or missing, and "Name_2" for a repeated (or spanned) header.
/// </summary>
public sealed record TableGrid(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>
    /// Cells a table may expand to. Spans multiply: a few kilobytes of colspan="1000" and rowspan="0" would otherwise
    /// allocate hundreds of megabytes; a million cells is far beyond any table a person reads.
    /// </summary>
    public const int MaxCells = 1_000_000;

    internal static TableGrid From(IHtmlTableElement table, Func<string, string> normalize)
    {
        var grid = new List<string?[]>();
        long expanded = 0;
        var headerRows = 0;
        var rowIndex = 0;
        foreach (var row in table.Rows)
        {
            var cells = row.Cells;
            if (rowIndex == headerRows && cells.Length > 0 && cells.All(c => c.LocalName == "th") || row.ParentElement?.LocalName == "thead")
            {
                headerRows = rowIndex + 1;
            }
            while (grid.Count <= rowIndex) grid.Add([]);
            var column = 0;
            foreach (var cell in cells)
            {
                while (column < grid[rowIndex].Length && grid[rowIndex][column] is not null) column++;
                var colspan = Math.Clamp(cell.ColumnSpan, 1, 1000);
                var rowspan = Math.Clamp(cell.RowSpan == 0 ? table.Rows.Length - rowIndex : cell.RowSpan, 1, 65534);
                var text = normalize(cell.TextContent);
                for (var r = rowIndex; r < rowIndex + rowspan && r < table.Rows.Length; r++)
                {
                    while (grid.Count <= r) grid.Add([]);
                    if (grid[r].Length < column + colspan)
                    {
                        expanded += column + colspan - grid[r].Length;
                        if (expanded > MaxCells) throw new TableTooLargeException(MaxCells);
                        Array.Resize(ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(grid)[r], column + colspan);
                    }
                    for (var c = column; c < column + colspan; c++) grid[r][c] ??= text;
                }
                column += colspan;
            }
            rowIndex++;
        }
        var width = grid.Count == 0 ? 0 : grid.Max(r => r.Length);
        // Every row is padded to the widest one: that product is what the rows will hold.
        if ((long)width * grid.Count > MaxCells) throw new TableTooLargeException(MaxCells);
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var c = 0; c < width; c++)
        {
            var header = headerRows > 0 && c < grid[headerRows - 1].Length ? grid[headerRows - 1][c] : null;
            var name = string.IsNullOrWhiteSpace(header) ? $"Column{c + 1}" : header!;
            var unique = name;
            for (var n = 2; !seen.Add(unique); n++) unique = $"{name}_{n}";
            names.Add(unique);
        }
        var rows = grid.Skip(headerRows)
            .Where(r => r.Any(v => !string.IsNullOrEmpty(v)))
            .Select(r => (IReadOnlyList<string>)[.. Enumerable.Range(0, width).Select(c => c < r.Length ? r[c] ?? "" : "")])
            .ToList();
        return new TableGrid(names, rows);
    }
}
