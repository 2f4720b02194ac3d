// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "hop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hop-hub", targets: ["HopHubCLI"]),
        .executable(name: "hop-edge", targets: ["HopEdgeCLI"]),
        .executable(name: "hop-sim", targets: ["HopSimCLI"]),
        .executable(name: "hop-hub-bench", targets: ["HopHubBench"]),
        .executable(name: "hop-upload-fleet-bench", targets: ["HopUploadFleetBench"]),
        .library(name: "HopProtocol", targets: ["HopProtocol"]),
        .library(name: "HopHub", targets: ["HopHub"]),
        .library(name: "HopHubCore", targets: ["HopHubCore"]),
        .library(name: "HopHubSQLite", targets: ["HopHubSQLite"]),
        .library(name: "HopHubPostgres", targets: ["HopHubPostgres"]),
        .library(name: "HopEdge", targets: ["HopEdge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Wire types shared by edge and hub. No I/O.
        .target(name: "HopProtocol", swiftSettings: swiftSettings),

        // System libraries (apt: libmodbus-dev, libcurl4-openssl-dev).
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus", providers: [.apt(["libmodbus-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // The hub's domain: accounts, alerting, scoring, live feed, ingest writer, configuration and the
        // store protocols. No HTTP framework and no database here.
        .target(
            name: "HopHubCore",
            dependencies: [
                "HopProtocol", "HopChunks", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The embedded store backend (SQLite through GRDB), implementing HopHubCore's store protocols.
        .target(
            name: "HopHubSQLite",
            dependencies: [
                "HopProtocol", "HopHubCore", "HopChunks",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The server store backend (PostgreSQL through postgres-nio), implementing the same protocols.
        .target(
            name: "HopHubPostgres",
            dependencies: [
                "HopProtocol", "HopHubCore", "HopChunks",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Only for `ConnectionPoolError`, which the pool throws when no connection can be made.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP layer (routes, middleware, portal files) and the wiring of everything into one hub.
        .target(
            name: "HopHub",
            dependencies: [
                "HopProtocol", "HopHubCore", "HopHubSQLite", "HopHubPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HopEdge",
            dependencies: [
                "HopProtocol", "HopDNP3", "CModbus", "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "HopHubCLI",
            dependencies: ["HopHub", "HopHubCore", "HopHubSQLite", "HopHubPostgres", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "HopEdgeCLI",
            dependencies: ["HopEdge", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        // DNP3 (IEEE 1815) master protocol layers: link, transport, application, objects
        // (docs/dnp3.md). Pure, no I/O.
        .target(name: "HopDNP3", swiftSettings: swiftSettings),
        // Compressed per-series chunk codec (docs/chunk-format.md). Pure, no I/O.
        .target(name: "HopChunks", swiftSettings: swiftSettings),
        .target(
            name: "HopSim",
            dependencies: [
                "HopProtocol", "HopDNP3", "CModbus",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "HopSimCLI",
            dependencies: [
                "HopSim", "HopProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmark driver for the hub (bench/hub-ingest); not part of the product.
        .executableTarget(
            name: "HopHubBench",
            dependencies: [
                "HopHub", "HopHubCore", "HopHubSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "bench/HopHubBench",
            swiftSettings: swiftSettings
        ),
        // Upload retry benchmark (bench/upload-fleet): a fleet of the edge's uploaders against a
        // local hub that goes away and comes back; not part of the product.
        .executableTarget(
            name: "HopUploadFleetBench",
            dependencies: [
                "HopEdge", "HopProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "bench/upload-fleet/HopUploadFleetBench",
            swiftSettings: swiftSettings
        ),
        // Waiting helpers with real-time limits, shared by the test targets.
        .target(name: "HopTestSupport", path: "Tests/HopTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "HopProtocolTests", dependencies: ["HopProtocol"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HopHubTests",
            dependencies: [
                "HopHub", "HopHubCore", "HopHubSQLite", "HopHubPostgres", "HopTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HopEdgeTests", dependencies: ["HopEdge", "HopTestSupport"], exclude: ["testcases"], swiftSettings: swiftSettings),
        .testTarget(name: "HopSimTests", dependencies: ["HopSim", "HopDNP3"], swiftSettings: swiftSettings),
        .testTarget(name: "HopChunksTests", dependencies: ["HopChunks"], swiftSettings: swiftSettings),
        .testTarget(name: "HopDNP3Tests", dependencies: ["HopDNP3"], swiftSettings: swiftSettings),
    ]
)
