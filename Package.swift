// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: rung → RungTraining/RungStorage/RungWire → RungData → RungCore.
// The C libraries are wrapped by system-library targets and never leak past one wrapper.
let package = Package(
    name: "rung",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rung", targets: ["rung"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // System libraries (Debian -dev packages).
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CXGBoost", pkgConfig: "xgboost", providers: [.apt(["libxgboost-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Pure Swift: errors, search spaces, config, searchers, schedulers, metrics.
        .target(name: "RungCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        // CSV, dataset recipes, preprocessor, splits, content hashing.
        .target(name: "RungData", dependencies: [
            "RungCore",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            "CCurl",
        ]),
        // Blob stores (file, s3), stores (sqlite, postgres), registry.
        .target(name: "RungStorage", dependencies: [
            "RungCore", "RungData", "CSQLite", "CPostgres", "CCurl",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // XGBoost binding and the trainer families.
        .target(name: "RungTraining", dependencies: ["RungCore", "RungData", "CXGBoost"]),
        // ZeroMQ sockets and the wire format.
        .target(name: "RungWire", dependencies: ["RungCore", "CZeroMQ"]),
        // The head: one event loop owning the ROUTER socket, sweeps, searchers, schedulers.
        .target(name: "RungHead", dependencies: ["RungCore", "RungData", "RungStorage", "RungWire"]),
        // The worker: a DEALER to the head, one training thread per slot, the data cache.
        .target(name: "RungWorker", dependencies: ["RungCore", "RungData", "RungTraining", "RungStorage", "RungWire"]),
        // The command-line tool.
        .executableTarget(name: "rung", dependencies: [
            "RungCore", "RungData", "RungTraining", "RungStorage", "RungWire", "RungHead", "RungWorker",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // bench/head-load: simulated workers against one head.
        .executableTarget(name: "rung-loadgen", dependencies: ["RungWire", "CZeroMQ"]),
        // bench/s3: uploads and downloads one file through S3BlobStore, printing MB/s.
        .executableTarget(name: "rung-s3bench", dependencies: ["RungStorage", "RungCore"]),
        // bench/store: a sweep's store writes replayed against SQLite or PostgreSQL.
        .executableTarget(name: "rung-storebench", dependencies: ["RungCore", "RungStorage"]),

        .testTarget(name: "RungCoreTests", dependencies: ["RungCore"]),
        .testTarget(name: "RungDataTests", dependencies: [
            "RungData", "RungCore", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "RungTrainingTests", dependencies: ["RungTraining", "RungData", "RungCore"]),
        .testTarget(name: "RungStorageTests", dependencies: ["RungStorage"], exclude: ["Fixtures"]),
        .testTarget(name: "RungWireTests", dependencies: ["RungWire"]),
        .testTarget(name: "RungHeadTests", dependencies: ["RungHead", "RungWire", "RungStorage", "RungCore"]),
        .testTarget(name: "RungWorkerTests", dependencies: ["RungWorker", "RungWire", "RungData", "RungStorage", "RungCore"]),
        .testTarget(name: "CLITests", dependencies: ["RungCore", "RungStorage"]),
        .testTarget(name: "ClusterTests", dependencies: ["RungCore", "RungWire", "RungStorage", "CZeroMQ"]),
    ],
    swiftLanguageModes: [.v6]
)
