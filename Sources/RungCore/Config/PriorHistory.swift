import Foundation

/// Observations imported from another tool for one family (`rung import mlflow`), kept in
/// the artifacts store at `history/<family>/<name>.json` and told to TPE by
/// `warm_start: history` (docs/mlflow.md).
public struct PriorHistory: Codable, Sendable, Equatable {
    /// One past trial: its parameters and its final metric value.
    public struct Observation: Codable, Sendable, Equatable {
        /// The parameters, as the source logged them (text).
        public var params: [String: String]
        /// The final value of `metric`.
        public var value: Double
        /// Where it came from (the MLflow run id).
        public var source: String

        /// An observation with every field given.
        public init(params: [String: String], value: Double, source: String) {
            self.params = params
            self.value = value
            self.source = source
        }
    }

    /// Where the observations came from (`mlflow http://…, experiment NAME`).
    public var origin: String
    /// The metric the values are of.
    public var metric: String
    /// The observations.
    public var observations: [Observation]

    /// A history with every field given.
    public init(origin: String, metric: String, observations: [Observation]) {
        self.origin = origin
        self.metric = metric
        self.observations = observations
    }

    /// The blob key prefix of a family's histories.
    public static func keyPrefix(family: String) -> String { "history/\(family)/" }

    /// A logged parameter text as a parameter value: an integer, a number, true/false, or text.
    public static func value(of text: String) -> ParamValue {
        if let i = Int(text) { return .int(i) }
        if let d = Double(text) { return .double(d) }
        if text == "true" || text == "True" { return .bool(true) }
        if text == "false" || text == "False" { return .bool(false) }
        return .string(text)
    }
}
