import PostgresNIO
import Testing

@testable import HopHubPostgres

/// The plain array decoders read what postgres-nio's `[T]` decoder reads, from a real server's
/// binary arrays: extremes, negative zero, empty arrays, multi-byte text; and refuse what they
/// do not handle (NULL elements, two dimensions, another element type) instead of misreading it.
@Suite struct PostgresPlainArrayTests {
    static let columns = """
        SELECT ARRAY[0, -0.0, 1.5, -2.25e-300, 1.7976931348623157e308, 'Infinity', '-Infinity']::float8[],
               ARRAY[0, -1, 9223372036854775807, -9223372036854775808, 1796083200000]::int8[],
               ARRAY[true, false, true]::bool[],
               ARRAY['zscore-v1', '', 'Überlandwerk ⚡', repeat('x', 300)]::text[],
               '{}'::float8[], '{}'::int8[], '{}'::bool[], '{}'::text[]
        """

    @Test func decodesWhatPostgresNIODecodes() async throws {
        let store = try #require(try await StoreContractTests.makeStore(.postgres) as? PostgresStore)
        var sizes: [Int] = []
        for try await row in try await store.client.query(PostgresQuery(unsafeSQL: Self.columns)) {
            var ours = PostgresRowCells(row)
            var theirs = PostgresRowCells(row)
            for _ in 0..<2 {  // the filled arrays, then the empty ones
                let doubles = try ours.next(PlainArray<Double>.self).values
                let reference = try theirs.next([Double].self)
                #expect(doubles.map(\.bitPattern) == reference.map(\.bitPattern))
                #expect(try ours.next(PlainArray<Int64>.self).values == theirs.next([Int64].self))
                #expect(try ours.next(PlainArray<Bool>.self).values == theirs.next([Bool].self))
                #expect(try ours.next(PlainArray<String>.self).values == theirs.next([String].self))
                sizes.append(doubles.count)
            }
        }
        #expect(sizes == [7, 0])
    }

    @Test(arguments: [
        "SELECT ARRAY[1.0, NULL]::float8[]", "SELECT ARRAY[[1.0], [2.0]]::float8[]", "SELECT ARRAY[1, 2]::int4[]",
        "SELECT 1.5::float8",
    ])
    func refusesWhatItDoesNotRead(_ sql: String) async throws {
        let store = try #require(try await StoreContractTests.makeStore(.postgres) as? PostgresStore)
        for try await row in try await store.client.query(PostgresQuery(unsafeSQL: sql)) {
            var cells = PostgresRowCells(row)
            #expect(throws: (any Error).self) { try cells.next(PlainArray<Double>.self) }
        }
    }
}
