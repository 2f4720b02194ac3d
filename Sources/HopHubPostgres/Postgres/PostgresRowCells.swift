import PostgresNIO

/// A row's columns decoded one after the other, each through `PostgresCell.decode`, which the
/// compiler specializes for the type asked. `PostgresRow.decode((A, B, …).self)` is generic over
/// its whole tuple across the module boundary: every column of every row instantiated its type's
/// metadata at run time, the largest single cost of reading thousands of score rows.
struct PostgresRowCells {
    private var cells: PostgresRow.Iterator
    private var read = 0

    init(_ row: PostgresRow) {
        cells = row.makeIterator()
    }

    /// The next column as `T` (a type error names the column, as `PostgresRow.decode` does).
    mutating func next<T: PostgresDecodable>(_: T.Type = T.self) throws -> T {
        guard let cell = cells.next() else {
            throw PostgresRowError(table: "(query answer)", id: "column \(read)", problem: "the row has only \(read) columns")
        }
        read += 1
        return try cell.decode(T.self)
    }
}
