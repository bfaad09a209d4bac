import Foundation
import RungData
import XCTest

/// A small prepared dataset built in the test from a synthetic CSV and recipe.
struct PreparedFixture {
    /// The temporary directory holding everything (removed at teardown).
    let root: URL
    /// The prepared-splits directory.
    let data: URL
    /// Its data version.
    let dataVersion: String
    /// The artifacts directory given to the worker in `welcome`.
    let artifacts: URL
    /// The worker's cache directory.
    let cache: URL

    static let recipe = """
    name: synthetic-worker
    target:
      name: outcome_binary
      from: outcome
      negative: ["NO"]
    id_columns: [row_id]
    categorical: [colour]
    split:
      initial_fraction: 1.0
      train: 0.6
      validation: 0.2
      future_batches: 0
    """

    /// `n` rows whose outcome depends (noisily, deterministically) on `amount` and `colour`.
    static func csv(rows n: Int) -> String {
        var s = "row_id,colour,amount,outcome\n"
        let colours = ["red", "green", "blue", "grey"]
        var state: UInt64 = 12345
        for i in 0..<n {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(state >> 40) / Double(1 << 24)
            let colour = colours[Int(state >> 20) % 4]
            let amount = Double(i % 37) / 4
            let score = amount / 9 + (colour == "red" ? 0.4 : 0) + noise * 0.8
            s += "r\(i),\(colour),\(amount),\(score > 1.0 ? "YES" : "NO")\n"
        }
        return s
    }

    static func make(_ test: XCTestCase, rows: Int = 300) throws -> PreparedFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rung-worker-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("risk.csv")
        try csv(rows: rows).write(to: source, atomically: true, encoding: .utf8)
        let recipe = try DatasetRecipe.parse(yaml: Self.recipe, fileName: "risk.yaml")
        let data = root.appendingPathComponent("prepared", isDirectory: true)
        let manifest = try DatasetPreparer.prepare(source: source, recipe: recipe, out: data)
        return PreparedFixture(root: root, data: data, dataVersion: manifest.dataVersion,
                               artifacts: root.appendingPathComponent("artifacts", isDirectory: true),
                               cache: root.appendingPathComponent("cache", isDirectory: true))
    }
}
