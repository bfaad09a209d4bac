import ArgumentParser
import Foundation
import RungCore
import RungData
import RungHead
import RungBlob
import RungArtifacts
import RungCLI

/// `rung data`: dataset preparation commands.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Prepare datasets: clean, split and fit the preprocessor; add future batches for nightly retraining.",
        subcommands: [Prepare.self, Advance.self, DataDriftCommand.self]
    )

    /// `rung data prepare`: source CSV + recipe → prepared-splits directory.
    struct Prepare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clean a CSV with a dataset recipe, split it, and fit the preprocessor on train.",
            discussion: "Writes train.csv, validation.csv, test.csv, future/batch-NNN.csv, preprocessor.json and manifest.json into the output directory, atomically (a failure leaves nothing behind). The recipe format is described in docs/config.md."
        )

        @Option(name: .long, help: ArgumentHelp(
            "The data: a CSV path, a file:// or http(s):// URL, or a dataset id (uci-diabetes-130, uci-adult, uci-heart-cleveland; looked up under $RUNG_DATASETS, then ~/.cache/rung/datasets, then downloaded). Default: the recipe's `source`.",
            valueName: "SRC"))
        var source: String?

        @Option(name: .long, help: ArgumentHelp("The dataset recipe YAML file (required), e.g. Config/datasets/diabetes.yaml.", valueName: "RECIPE"))
        var recipe: String

        @Option(name: .long, help: ArgumentHelp("The output directory: a path, a file:// URI or s3://bucket/prefix (required). An existing prepared directory there is replaced; S3 output is prepared in a temporary directory and uploaded.", valueName: "DIR"))
        var out: String

        @Option(name: .long, help: ArgumentHelp(
            "Append future batches 1…K to the training split (validation and test stay as they are; the preprocessor is fitted on the longer train split). Default: 0, the initial data only.",
            valueName: "K"))
        var throughBatch = 0

        @Flag(name: .long, help: "Print the manifest as one JSON document instead of a summary (default: summary).")
        var json = false

        func validate() throws {
            if throughBatch < 0 { throw ValidationError("--through-batch must be 0 or more, not \(throughBatch).") }
        }

        func run() throws {
            let started = Date()
            let stop = StagingCleanupOnSignal()
            defer { withExtendedLifetime(stop) {} }
            let recipeURL = URL(fileURLWithPath: recipe)
            let parsed = try DatasetRecipe.load(from: recipeURL)
            guard let sourceText = source ?? parsed.source else {
                throw RungError.usage("no --source given and \(recipeURL.lastPathComponent) names no `source`.")
            }
            let remote = Location.isS3(out)
            let outURL = remote ? FileManager.default.temporaryDirectory
                .appendingPathComponent("rung-prepare-\(UUID().uuidString)", isDirectory: true) : try Self.outputDirectory(out)
            let remoteToken = remote ? StagingDirectories.add(outURL.path) : 0
            defer {
                if remote {
                    try? FileManager.default.removeItem(at: outURL)
                    StagingDirectories.remove(remoteToken)
                }
            }
            let sourceURL = try DatasetResolver.resolve(sourceText, environment: ProcessInfo.processInfo.environment)
            var timings: [PhaseTiming] = []
            let manifest = throughBatch > 0
                ? try CumulativeData.prepare(source: sourceURL, recipe: parsed, throughBatch: throughBatch, out: outURL)
                : try DatasetPreparer.prepare(source: sourceURL, recipe: parsed, out: outURL, timings: &timings)
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
            for w in manifest.warnings ?? [] { Output.note("rung: warning: \(w.message)") }
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
            if let c = manifest.cumulative {
                print("train:            the initial \(c.baseTrainRows) rows + future batches 1–\(c.throughBatch) of \(c.baseFutureBatches) (base data version \(c.baseDataVersion))")
            }
            print("encoded features: \(manifest.encodedFeatureCount)")
            print("data version:     \(manifest.dataVersion)")
            print(String(format: "elapsed:          %.2f s", elapsed))
            if timings.isEmpty { return }
            print("phases (wall/cpu): " + timings.map {
                "\($0.phase) " + String(format: "%.3f/%.3f s", $0.wallSeconds, $0.cpuSeconds)
            }.joined(separator: ", "))
        }

        /// The local directory named by `--out`.
        static func outputDirectory(_ text: String) throws -> URL {
            switch try? Location(parsing: text) {
            case .local(let path)?:
                return URL(fileURLWithPath: path)
            case nil where Location.scheme(ofText: text) == "file":
                throw RungError.usage("--out \(text) is not a valid file:// URI.")
            case .s3?, .other?:
                throw RungError.usage("--out \(text): use a local path, a file:// URI or s3://bucket/prefix.")
            case nil:
                return URL(fileURLWithPath: text)
            }
        }
    }

    /// `rung data advance`: add the next future batch to a sweep's training data.
    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the next future batch to the training data of a sweep config (nightly cumulative retraining).",
            discussion: """
            Records, under <artifacts>/data/cumulative/<base data version>/latest.json, that \
            future batches 1…K are now part of the training data, and prepares that data \
            (train = the initial train rows + batches 1…K; validation and test unchanged) so the \
            next sweep finds it. A config with `data: {through_batch: latest}` trains on it. Run \
            it before the nightly sweep; once every batch is in, it says so and exits 0 without \
            changing anything. The artifacts may be local or in S3 (s3://bucket/prefix). See \
            docs/nightly.md.

            Example:
              rung data advance Config/nightly.yaml && rung run Config/nightly.yaml
            """
        )

        @Argument(help: "The sweep config whose data advances (its `data:` section names the base data).")
        var config: String

        @Option(help: ArgumentHelp("Add this many batches.", valueName: "N"))
        var by = 1

        @Option(help: ArgumentHelp("Set the number of batches in train to K instead (0 goes back to the initial data).", valueName: "K"))
        var to: Int?

        @Option(help: ArgumentHelp("The artifacts location, the head's: a path, file:///abs/path or s3://bucket/prefix (default: $RUNG_ARTIFACTS or .rung/artifacts). With s3:// the state and the data live in S3; the data is prepared in a temporary directory and uploaded.", valueName: "LOCATION"))
        var artifacts: String?

        @Flag(help: "Print one JSON document instead of a sentence.")
        var json = false

        func validate() throws {
            if by < 1 { throw ValidationError("--by must be at least 1, not \(by).") }
            if let to, to < 0 { throw ValidationError("--to must be 0 or more, not \(to).") }
        }

        func run() throws {
            let env = ProcessInfo.processInfo.environment
            let sweep = try SweepConfigParser.load(path: config)
            let artifactsURI = EnvironmentDefault.resolve(artifacts, "RUNG_ARTIFACTS", else: StoreOptions.defaultArtifacts, in: env)
            let artifactsStore = try openBlobStore(uri: artifactsURI, environment: env)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rung-advance-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            let baseData = try SweepData.resolveBase(config: sweep, configDirectory: URL(fileURLWithPath: config).deletingLastPathComponent(),
                                                     artifacts: artifactsStore, scratch: scratch, environment: env)
            let store = CumulativeStore(artifacts: artifactsStore, scratch: scratch, environment: env)
            let base = try store.base(baseData)
            let count = base.futureBatches
            let state = try store.state(of: base)
            let current = state?.throughBatch ?? 0
            if let to, to > count {
                throw RungError.usage("--to \(to): the data of \(config) has future batches 1–\(count)")
            }
            let target = to ?? min(current + by, count)
            let changed = target != current || state == nil
            if changed { try store.record(throughBatch: target, of: base) }
            let data = try store.data(base: base, throughBatch: target)
            let trainRows = data.manifest.split(.train)?.rows ?? 0
            if sweep.data.throughBatch != .latest {
                Output.note("rung: note: \(config) sets data.through_batch to \(sweep.data.throughBatch?.description ?? "nothing"), not latest, so its sweeps do not follow this state")
            }
            if json {
                let fields: [(String, String)] = [
                    ("base_data_version", JSONText.quote(base.dataVersion)), ("through_batch", String(target)),
                    ("future_batches", String(count)), ("advanced", changed ? "true" : "false"),
                    ("data_version", JSONText.quote(data.data.version)), ("directory", JSONText.quote(data.data.uri)),
                    ("train_rows", String(trainRows)),
                ]
                print(JSONText.object(fields))
                return
            }
            let what = target == 0 ? "no future batches" : "future batches 1–\(target) of \(count)"
            if !changed && to == nil && current == count {
                print("all \(count) future batches are already in the training data (data version \(data.data.version)); nothing to add")
            } else {
                print("training data: the initial data + \(what): \(trainRows) train rows, data version \(data.data.version)")
                print("  \(data.data.uri)")
            }
        }
    }
}
