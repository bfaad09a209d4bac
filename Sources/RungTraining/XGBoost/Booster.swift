import CXGBoost
import Foundation
import RungCore

/// An XGBoost learner: parameters, one boosting iteration at a time, evaluation,
/// prediction, and saving/loading models (XGBoost JSON). It owns its handle and frees it
/// on deinit, and keeps the matrices it caches alive.
///
/// Thread rule for `@unchecked Sendable`: a `Booster` may be handed from one thread to
/// another, but is used by one thread at a time; it is never shared concurrently.
public final class Booster: @unchecked Sendable {
    let handle: BoosterHandle
    private let cached: [DMatrix]

    /// Creates a booster that caches predictions for `cache` (usually the training matrix).
    public init(cache: [DMatrix] = []) throws {
        var handles: [DMatrixHandle?] = cache.map { $0.handle }
        var out: BoosterHandle?
        let status = handles.withUnsafeMutableBufferPointer {
            XGBoosterCreate($0.baseAddress, UInt64($0.count), &out)
        }
        try XGBoostCall.check(status, "XGBoosterCreate")
        guard let out else { throw RungError.internalFailure("XGBoosterCreate returned no booster.") }
        handle = out
        cached = cache
    }

    deinit {
        XGBoosterFree(handle)
    }

    /// Sets one parameter (XGBoost's own name and text value).
    public func setParameter(_ name: String, _ value: String) throws {
        try XGBoostCall.check(XGBoosterSetParam(handle, name, value), "XGBoosterSetParam(\(name)=\(value))")
    }

    /// Sets parameters in order.
    public func setParameters(_ parameters: [(name: String, value: String)]) throws {
        for p in parameters { try setParameter(p.name, p.value) }
    }

    /// Runs boosting iteration `iteration` (0-based, counted over the model's life) on `train`.
    public func updateOneIteration(_ iteration: Int, train: DMatrix) throws {
        try XGBoostCall.check(XGBoosterUpdateOneIter(handle, Int32(iteration), train.handle), "XGBoosterUpdateOneIter")
    }

    /// The number of boosting rounds in the model.
    public func boostedRounds() throws -> Int {
        var rounds: Int32 = 0
        try XGBoostCall.check(XGBoosterBoostedRounds(handle, &rounds), "XGBoosterBoostedRounds")
        return Int(rounds)
    }

    /// XGBoost's evaluation line for the named matrices, e.g. `[3]\tval-auc:0.84`.
    public func evaluate(iteration: Int, _ sets: [(name: String, matrix: DMatrix)]) throws -> String {
        var handles: [DMatrixHandle?] = sets.map { $0.matrix.handle }
        let names = sets.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var cNames: [UnsafePointer<CChar>?] = names.map { UnsafePointer($0) }
        var out: UnsafePointer<CChar>?
        let status = handles.withUnsafeMutableBufferPointer { h in
            cNames.withUnsafeMutableBufferPointer { n in
                XGBoosterEvalOneIter(handle, Int32(iteration), h.baseAddress, n.baseAddress, UInt64(sets.count), &out)
            }
        }
        try XGBoostCall.check(status, "XGBoosterEvalOneIter")
        return out.map { String(cString: $0) } ?? ""
    }

    /// Predictions for every row of `matrix` (`XGBoosterPredictFromDMatrix`): probabilities
    /// for `binary:logistic`, or raw margins (log-odds) when `margin` is true.
    public func predict(_ matrix: DMatrix, margin: Bool = false) throws -> [Float] {
        let config = "{\"type\": \(margin ? 1 : 0), \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false}"
        var shape: UnsafePointer<UInt64>?
        var dimension: UInt64 = 0
        var result: UnsafePointer<Float>?
        try XGBoostCall.check(XGBoosterPredictFromDMatrix(handle, matrix.handle, config, &shape, &dimension, &result),
                              "XGBoosterPredictFromDMatrix")
        guard let shape, let result else { throw RungError.internalFailure("XGBoosterPredictFromDMatrix returned no result.") }
        var count = 1
        for d in 0..<Int(dimension) { count *= Int(shape[d]) }
        guard count == matrix.rowCount else {
            throw RungError.internalFailure("XGBoosterPredictFromDMatrix returned \(count) values for \(matrix.rowCount) rows.")
        }
        return Array(UnsafeBufferPointer(start: result, count: count))
    }

    /// Per-row feature contributions (SHAP values, `XGBoosterPredictFromDMatrix` with
    /// `"type": 2`): row-major, `matrix.columnCount + 1` values a row, the last being the
    /// bias; a row's values add up to its margin.
    public func predictContributions(_ matrix: DMatrix) throws -> [Float] {
        let config = "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false}"
        var shape: UnsafePointer<UInt64>?
        var dimension: UInt64 = 0
        var result: UnsafePointer<Float>?
        try XGBoostCall.check(XGBoosterPredictFromDMatrix(handle, matrix.handle, config, &shape, &dimension, &result),
                              "XGBoosterPredictFromDMatrix(contributions)")
        guard let shape, let result else { throw RungError.internalFailure("XGBoosterPredictFromDMatrix returned no contributions.") }
        var count = 1
        for d in 0..<Int(dimension) { count *= Int(shape[d]) }
        guard count == matrix.rowCount * (matrix.columnCount + 1) else {
            throw RungError.internalFailure("XGBoosterPredictFromDMatrix returned \(count) contributions for \(matrix.rowCount) rows of \(matrix.columnCount) features.")
        }
        return Array(UnsafeBufferPointer(start: result, count: count))
    }

    /// The model as bytes (`XGBoosterSaveModelToBuffer`), in XGBoost's JSON format by default.
    public func modelData(format: String = "json") throws -> Data {
        var length: UInt64 = 0
        var bytes: UnsafePointer<CChar>?
        try XGBoostCall.check(XGBoosterSaveModelToBuffer(handle, "{\"format\": \"\(format)\"}", &length, &bytes),
                              "XGBoosterSaveModelToBuffer")
        guard let bytes else { throw RungError.internalFailure("XGBoosterSaveModelToBuffer returned no bytes.") }
        return Data(bytes: bytes, count: Int(length))
    }

    /// Replaces the model with one from bytes (`XGBoosterLoadModelFromBuffer`). Training
    /// parameters are not restored: set them again before training further.
    public func loadModel(from data: Data) throws {
        let status = data.withUnsafeBytes { raw in
            XGBoosterLoadModelFromBuffer(handle, raw.baseAddress, UInt64(raw.count))
        }
        try XGBoostCall.check(status, "XGBoosterLoadModelFromBuffer")
    }

    /// Writes the model to a file (`XGBoosterSaveModel`); a `.json` name gives XGBoost's JSON format.
    public func saveModel(to url: URL) throws {
        try XGBoostCall.check(XGBoosterSaveModel(handle, url.path), "XGBoosterSaveModel(\(url.path))")
    }

    /// Replaces the model with one read from a file (`XGBoosterLoadModel`).
    public func loadModel(from url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw RungError.badInput("Model file \(url.path) does not exist.")
        }
        try XGBoostCall.check(XGBoosterLoadModel(handle, url.path), "XGBoosterLoadModel(\(url.path))")
    }

    /// The booster's full configuration as XGBoost JSON (`XGBoosterSaveJsonConfig`).
    public func jsonConfig() throws -> String {
        var length: UInt64 = 0
        var bytes: UnsafePointer<CChar>?
        try XGBoostCall.check(XGBoosterSaveJsonConfig(handle, &length, &bytes), "XGBoosterSaveJsonConfig")
        guard let bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: Int(length)), as: UTF8.self)
    }
}
