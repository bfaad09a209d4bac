/// `tracking:` — the MLflow tracking server a sweep's runs are exported to
/// (docs/mlflow.md): `tracking: {mlflow: URI, experiment: NAME}`.
public struct TrackingSettings: Sendable, Equatable {
    /// The tracking server's base URI (`http://host:5000`).
    public var mlflow: String
    /// The MLflow experiment the sweep's runs go to (nil: the sweep's name).
    public var experiment: String?

    /// Settings with both fields given.
    public init(mlflow: String, experiment: String? = nil) {
        self.mlflow = mlflow
        self.experiment = experiment
    }

    /// Parses the `tracking:` mapping; the URI must be an `http://` or `https://` URI.
    static func parse(_ field: YAMLField) throws -> TrackingSettings {
        let e = try field.mapping(allowed: ["mlflow", "experiment"])
        let uriField = try field.required("mlflow", in: e)
        let uri = try uriField.string()
        guard uri.hasPrefix("http://") || uri.hasPrefix("https://") else {
            throw uriField.error("mlflow must be an http:// or https:// URI of a tracking server, found \(uri)")
        }
        let experimentField = field.child("experiment", in: e)
        let experiment = try experimentField?.string()
        if let experimentField, experiment?.isEmpty == true { throw experimentField.error("experiment must not be empty") }
        return TrackingSettings(mlflow: uri, experiment: experiment)
    }
}
