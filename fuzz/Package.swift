// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for rung's decoders of untrusted input (docs/operations.md, "Fuzzing").
// A package of its own, depending on the main package by path, so that the sanitizer and
// coverage flags (`-sanitize=fuzzer,address`), which `fuzz/run.sh` passes to every module it
// builds here, never reach the main build or its test suite, and the harnesses (executables
// whose `main` is libFuzzer's) are not built by `swift build` in the main package.
// Build and run them with `fuzz/run.sh [SECONDS]`, not with a plain `swift build`.
let package = Package(
    name: "rung-fuzz",
    dependencies: [
        .package(name: "rung", path: ".."),
    ],
    targets: [
        // Each harness's main.swift hands its test function to libFuzzer's driver.
        .target(name: "CLibFuzzer"),
        // Worker↔head frames: WireFormat.decode, and re-encoding what it accepts.
        .executableTarget(name: "FuzzWire", dependencies: ["CLibFuzzer", .product(name: "RungWire", package: "rung")]),
        // Control requests as the head reads them, and the replies a client reads.
        .executableTarget(name: "FuzzControl", dependencies: ["CLibFuzzer", .product(name: "RungWire", package: "rung")]),
        // CSV files as `rung data prepare` reads them: CSVReader, RawTable, TableCleaner.
        .executableTarget(name: "FuzzCSV", dependencies: ["CLibFuzzer", .product(name: "RungData", package: "rung")]),
        // Sweep configs: SweepConfigParser.parse.
        .executableTarget(name: "FuzzSweepConfig", dependencies: ["CLibFuzzer", .product(name: "RungCore", package: "rung")]),
        // Dataset recipes: DatasetRecipe.parse.
        .executableTarget(name: "FuzzRecipe", dependencies: ["CLibFuzzer", .product(name: "RungData", package: "rung")]),
    ],
    swiftLanguageModes: [.v6]
)
