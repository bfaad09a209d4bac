// swift-tools-version:6.0
import PackageDescription

// One target per concern; dependencies point one way (docs/architecture.md draws the graph):
//   rung → RungCLI → RungStore, RungTraining, RungWire
//   rung → RungHead, RungWorker → RungArtifacts → RungStore, RungData → RungBlob → RungCore
//   RungWorker → RungTraining → RungData; RungHead, RungWorker → RungWire → RungCore
//   RungHead → RungMLflow → RungArtifacts, RungBlob; RungHead, RungWorker → RungMetrics; rung → RungLogging
// A C library is imported only by the one target that wraps it: CZeroMQ by RungWire,
// CXGBoost by RungTraining, CCurl by RungBlob, CSQLite and CPostgres by RungStore.
let package = Package(
    name: "rung",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rung", targets: ["rung"]),
        // For fuzz/Package.swift, whose harnesses depend on this package by path.
        .library(name: "RungCore", targets: ["RungCore"]),
        .library(name: "RungWire", targets: ["RungWire"]),
        .library(name: "RungData", targets: ["RungData"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
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
        // Blob stores: files and S3 (SigV4, credential chain, multipart) over the one libcurl
        // wrapper, which dataset downloads reuse.
        .target(name: "RungBlob", dependencies: [
            "RungCore", "CCurl",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // CSV, dataset recipes, preprocessor, splits, content hashing.
        .target(name: "RungData", dependencies: [
            "RungCore", "RungBlob",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // The metadata store: one SQL implementation over SQLite and libpq.
        .target(name: "RungStore", dependencies: ["RungCore", "CSQLite", "CPostgres"]),
        // What lives on blobs: the model registry, a sweep's prepared and cumulative data.
        .target(name: "RungArtifacts", dependencies: ["RungCore", "RungData", "RungStore", "RungBlob"]),
        // XGBoost binding and the trainer families.
        .target(name: "RungTraining", dependencies: ["RungCore", "RungData", "CXGBoost"]),
        // ZeroMQ sockets and the wire format.
        .target(name: "RungWire", dependencies: ["RungCore", "CZeroMQ"]),
        // The head: one event loop owning the ROUTER socket, sweeps, searchers, schedulers.
        .target(name: "RungHead", dependencies: ["RungCore", "RungData", "RungStore", "RungBlob", "RungArtifacts", "RungWire",
                                              "RungMLflow", "RungMetrics", "RungLogging", .product(name: "Prometheus", package: "swift-prometheus")]),
        // The worker: a DEALER to the head, one training thread per slot, the data cache.
        .target(name: "RungWorker", dependencies: ["RungCore", "RungData", "RungTraining", "RungBlob", "RungWire", "RungMetrics", "RungLogging",
                                                .product(name: "Prometheus", package: "swift-prometheus")]),
        // MLflow: the REST client, the tracking export from the store (a durable queue of
        // export marks) and the model-registry export.
        .target(name: "RungMLflow", dependencies: ["RungCore", "RungStore", "RungBlob", "RungArtifacts"]),
        // Prometheus metrics: the registry of rung's series and the `/metrics` endpoint.
        .target(name: "RungMetrics", dependencies: [
            "RungCore",
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ]),
        // Structured logs: swift-log with a text or JSON line handler.
        .target(name: "RungLogging", dependencies: ["RungCore", .product(name: "Logging", package: "swift-log")]),
        // The command-line tool's read models and rendering (leaderboard, sweep and registry
        // views, report, top screen, progress line), without ArgumentParser.
        .target(name: "RungCLI", dependencies: ["RungCore", "RungData", "RungTraining", "RungStore", "RungWire"]),
        // Drift statistics (KS, chi-square, PSI) and the per-column drift report: pure Swift.
        .target(name: "RungDrift", dependencies: ["RungCore", "RungData"]),
        // `rung serve`: the production model over HTTP (Hummingbird), hot reload, prediction log, metrics.
        .target(name: "RungServe", dependencies: [
            "RungCore", "RungData", "RungTraining", "RungStore", "RungBlob", "RungArtifacts",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The command-line tool: the ArgumentParser commands only.
        .executableTarget(name: "rung", dependencies: [
            "RungCLI", "RungCore", "RungData", "RungTraining", "RungStore", "RungBlob", "RungArtifacts", "RungWire", "RungHead", "RungWorker",
            "RungServe", "RungDrift",
            "RungMLflow", "RungMetrics", "RungLogging",
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // bench/head-load: simulated workers against one head.
        .executableTarget(name: "rung-loadgen", dependencies: ["RungWire", "CZeroMQ"]),
        // bench/s3: uploads and downloads one file through S3BlobStore, printing MB/s.
        .executableTarget(name: "rung-s3bench", dependencies: ["RungBlob", "RungCore"]),
        // bench/serve: an HTTP/1.1 load generator (saturation and fixed-rate latency).
        .executableTarget(name: "rung-httpload"),
        // bench/store: a sweep's store writes replayed against SQLite or PostgreSQL.
        .executableTarget(name: "rung-storebench", dependencies: ["RungCore", "RungStore"]),

        .testTarget(name: "RungCoreTests", dependencies: ["RungCore"]),
        .testTarget(name: "RungDataTests", dependencies: [
            "RungData", "RungCore", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "RungTrainingTests", dependencies: ["RungTraining", "RungData", "RungCore"]),
        // The store, blob and artifacts libraries share one test target and its servers.
        .testTarget(name: "RungStorageTests", dependencies: ["RungStore", "RungBlob", "RungArtifacts", "RungCore"], exclude: ["Fixtures"]),
        .testTarget(name: "RungWireTests", dependencies: ["RungWire"]),
        .testTarget(name: "RungHeadTests", dependencies: ["RungHead", "RungWire", "RungStore", "RungBlob", "RungArtifacts", "RungData", "RungCore", "RungMLflow", "RungLogging"]),
        .testTarget(name: "RungWorkerTests", dependencies: ["RungWorker", "RungWire", "RungData", "RungBlob", "RungCore", "RungTraining"]),
        .testTarget(name: "RungCLITests", dependencies: ["RungCLI", "RungCore", "RungStore", "RungWire"]),
        .testTarget(name: "CLITests", dependencies: ["RungCore", "RungStore", "RungBlob", "RungArtifacts"]),
        .testTarget(name: "RungMLflowTests", dependencies: ["RungMLflow", "RungStore", "RungArtifacts", "RungBlob", "RungCore"]),
        .testTarget(name: "RungMetricsTests", dependencies: ["RungMetrics", "RungCore", "RungBlob",
                                                            .product(name: "Prometheus", package: "swift-prometheus")]),
        .testTarget(name: "RungLoggingTests", dependencies: ["RungLogging", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "RungDriftTests", dependencies: ["RungDrift", "RungData", "RungCore"]),
        .testTarget(name: "RungServeTests", dependencies: ["RungServe", "RungTraining", "RungData", "RungStore", "RungArtifacts", "RungBlob", "RungCore"]),
        .testTarget(name: "ClusterTests", dependencies: ["RungCore", "RungWire", "RungStore", "RungBlob", "CZeroMQ"]),
    ],
    swiftLanguageModes: [.v6]
)
