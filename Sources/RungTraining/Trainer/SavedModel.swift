import Foundation
import RungCore
import RungData

/// A finished model in XGBoost's JSON format, loaded for prediction (e.g. `rung predict`).
///
/// Thread rule for `@unchecked Sendable`: a `SavedModel` may be handed between threads but
/// is used by one thread at a time.
public final class SavedModel: @unchecked Sendable {
    private let booster: Booster

    /// Loads a model from bytes in XGBoost's JSON (or UBJSON) format.
    public init(data: Data) throws {
        booster = try Booster()
        try booster.loadModel(from: data)
    }

    /// Loads a model file written by `Trainer.saveModel(to:)` (or by XGBoost).
    public static func load(from url: URL) throws -> SavedModel {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RungError.badInput("Cannot read the model file \(url.path): \(error.localizedDescription)")
        }
        do {
            return try SavedModel(data: data)
        } catch let error as RungError {
            throw RungError.badInput("The model file \(url.path) is not an XGBoost model: \(error.message)")
        }
    }

    /// Sets how many threads XGBoost uses for this model's predictions (its `nthread`). A
    /// server scoring a few rows per request wants 1: the work of one request is too small to
    /// share, and idle OpenMP threads on a busy machine only add waiting to the tail.
    public func setThreads(_ count: Int) throws {
        try booster.setParameter("nthread", String(max(1, count)))
    }

    /// Positive-class probabilities for every row of `features`.
    public func predictProbabilities(_ features: CSRMatrix) throws -> [Double] {
        try booster.predict(DMatrix(features)).map(Double.init)
    }

    /// Raw margins (log-odds) for every row of `features`.
    public func predictMargins(_ features: CSRMatrix) throws -> [Double] {
        try booster.predict(DMatrix(features), margin: true).map(Double.init)
    }

    /// Per-row contributions of every encoded feature to the margin (SHAP values from
    /// XGBoost's own contribution prediction): `features.columnCount + 1` values a row,
    /// row-major, the last being the bias. A row's values add up to its margin.
    public func predictContributions(_ features: CSRMatrix) throws -> [Float] {
        try booster.predictContributions(DMatrix(features))
    }
}
