import Foundation
import RungCore

/// The files of an MLflow model directory for a rung model version (docs/mlflow.md): an
/// `MLmodel` with the `xgboost` flavour (the booster in XGBoost's JSON format, loaded as
/// `xgboost.core.Booster`) and `python_function` through `mlflow.xgboost`, and the
/// environment files (`conda.yaml`, `python_env.yaml`, `requirements.txt`). Pure text.
public enum MLflowModelFiles {
    /// The booster's file name in the model directory.
    public static let modelFile = "model.json"

    /// The XGBoost version that wrote a JSON model (its top-level `version` array), or nil.
    public static func xgboostVersion(ofModelJSON data: Data) -> String? {
        guard case .object(let top)? = try? JSONDecoder().decode(JSONValue.self, from: data),
              case .array(let parts)? = top["version"] else { return nil }
        let numbers = parts.compactMap(\.integer)
        return numbers.count == parts.count && !numbers.isEmpty ? numbers.map(String.init).joined(separator: ".") : nil
    }

    /// Whether `data` is an XGBoost JSON model (it has a `learner`).
    public static func isXGBoostJSON(_ data: Data) -> Bool {
        guard case .object(let top)? = try? JSONDecoder().decode(JSONValue.self, from: data) else { return false }
        return top["learner"] != nil
    }

    /// The `MLmodel` file.
    public static func mlmodel(runID: String, xgboostVersion: String, created: Date, modelUUID: String) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamp = formatter.string(from: created).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
        return """
        artifact_path: model
        flavors:
          python_function:
            data: \(modelFile)
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.xgboost
            python_version: 3.11.2
          xgboost:
            code: null
            data: \(modelFile)
            model_class: xgboost.core.Booster
            model_format: json
            xgb_version: \(xgboostVersion)
        model_uuid: \(modelUUID)
        run_id: \(runID)
        utc_time_created: '\(stamp)'

        """
    }

    /// `requirements.txt`.
    public static func requirements(xgboostVersion: String) -> String { "mlflow\nxgboost==\(xgboostVersion)\n" }

    /// `conda.yaml`.
    public static func conda(xgboostVersion: String) -> String {
        """
        channels:
        - conda-forge
        dependencies:
        - python=3.11.2
        - pip
        - pip:
          - mlflow
          - xgboost==\(xgboostVersion)
        name: mlflow-env

        """
    }

    /// `python_env.yaml`.
    public static func pythonEnv() -> String {
        """
        python: 3.11.2
        build_dependencies:
        - pip
        dependencies:
        - -r requirements.txt

        """
    }
}
