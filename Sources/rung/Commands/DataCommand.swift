import ArgumentParser
import Foundation
import RungCore
import RungData
import RungStorage

/// `rung data`: dataset preparation commands.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Prepare datasets: clean, split and fit the preprocessor.",
        subcommands: [Prepare.self]
    )

    /// `rung data prepare`: source CSV + recipe → prepared-splits directory.
    struct Prepare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clean a CSV with a dataset recipe, split it, and fit the preprocessor on train.",
            discussion: "Writes train.csv, validation.csv, test.csv, future/batch-NNN.csv, preprocessor.json and manifest.json into the output directory, atomically (a failure leaves nothing behind). The recipe format is described in docs/config.md."
        )

        @Option(name: .long, help: ArgumentHelp(
            "The data: a CSV path, a file:// or http(s):// URL, or a dataset id (uci-diabetes-130, looked up under $RUNG_DATASETS, then ~/.cache/rung/datasets, then downloaded). Default: the recipe's `source`.",
            valueName: "SRC"))
        var source: String?

        @Option(name: .long, help: ArgumentHelp("The dataset recipe YAML file (required), e.g. Config/datasets/diabetes.yaml.", valueName: "RECIPE"))
        var recipe: String

        @Option(name: .long, help: ArgumentHelp("The output directory: a path, a file:// URI or s3://bucket/prefix (required). An existing prepared directory there is replaced; S3 output is prepared in a temporary directory and uploaded.", valueName: "DIR"))
        var out: String

        @Flag(name: .long, help: "Print the manifest as one JSON document instead of a summary (default: summary).")
        var json = false

        func run() throws {
            let started = Date()
            let recipeURL = URL(fileURLWithPath: recipe)
            let parsed = try DatasetRecipe.load(from: recipeURL)
            guard let sourceText = source ?? parsed.source else {
                throw RungError.usage("no --source given and \(recipeURL.lastPathComponent) names no `source`.")
            }
            let remote = out.lowercased().hasPrefix("s3://")
            let outURL = remote ? FileManager.default.temporaryDirectory
                .appendingPathComponent("rung-prepare-\(UUID().uuidString)", isDirectory: true) : try Self.outputDirectory(out)
            defer { if remote { try? FileManager.default.removeItem(at: outURL) } }
            let sourceURL = try DatasetResolver.resolve(sourceText, environment: ProcessInfo.processInfo.environment)
            var timings: [PhaseTiming] = []
            let manifest = try DatasetPreparer.prepare(source: sourceURL, recipe: parsed, out: outURL, timings: &timings)
            if remote {
                let uploadStarted = Date()
                let (parent, key) = try openBlobParent(of: out)
                try parent.upload(directory: outURL, prefix: key)
                timings.append(PhaseTiming(phase: "upload", wallSeconds: Date().timeIntervalSince(uploadStarted), cpuSeconds: 0))
            }
            if json {
                print(String(decoding: try manifest.jsonData(), as: UTF8.self))
                return
            }
            let elapsed = Date().timeIntervalSince(started)
            print("Prepared \(manifest.recipe) from \(manifest.source.name) (\(manifest.source.rows) rows, \(manifest.cleanedRows) after cleaning) into \(remote ? out : outURL.path)")
            print("")
            let header = ["split", "file", "rows", "positive rate"]
            var rows: [[String]] = []
            for s in manifest.splits {
                rows.append([s.split, s.file, String(s.rows), String(format: "%.4f", s.positiveRate)])
            }
            let widths = header.indices.map { k in max(header[k].count, rows.map { $0[k].count }.max() ?? 0) }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { k, c in
                    k >= 2 ? String(repeating: " ", count: widths[k] - c.count) + c : c + String(repeating: " ", count: widths[k] - c.count)
                }.joined(separator: "  ")
            }
            print(line(header))
            for r in rows { print(line(r)) }
            print("")
            print("encoded features: \(manifest.encodedFeatureCount)")
            print("data version:     \(manifest.dataVersion)")
            print(String(format: "elapsed:          %.2f s", elapsed))
            print("phases (wall/cpu): " + timings.map {
                "\($0.phase) " + String(format: "%.3f/%.3f s", $0.wallSeconds, $0.cpuSeconds)
            }.joined(separator: ", "))
        }

        /// The local directory named by `--out`.
        static func outputDirectory(_ text: String) throws -> URL {
            if text.hasPrefix("file://") {
                guard let url = URL(string: text), url.isFileURL, !url.path.isEmpty else {
                    throw RungError.usage("--out \(text) is not a valid file:// URI.")
                }
                return url
            }
            if text.contains("://") {
                throw RungError.usage("--out \(text): use a local path, a file:// URI or s3://bucket/prefix.")
            }
            return URL(fileURLWithPath: text)
        }
    }
}
