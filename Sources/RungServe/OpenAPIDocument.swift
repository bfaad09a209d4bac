import Foundation

/// The OpenAPI 3.0 document of the server's routes (`GET /openapi.json`). Tests check the
/// real answers against it: every route, status and required property listed here.
public enum OpenAPIDocument {
    /// The document as JSON bytes.
    public static func json(version: String) -> [UInt8] {
        let error: [String: Any] = ["$ref": "#/components/schemas/Error"]
        func json(_ schema: [String: Any], _ description: String) -> [String: Any] {
            ["description": description, "content": ["application/json": ["schema": schema]]]
        }
        let errors: [String: Any] = [
            "400": json(error, "Malformed JSON, or a bad query parameter."),
            "413": json(error, "The body is larger than --max-body-bytes."),
            "422": json(error, "A row that cannot be scored: a missing field, a value that is not a number, an unknown ordinal label."),
            "503": json(error, "No model is loaded yet."),
        ]
        var predictResponses = errors
        predictResponses["200"] = json(["oneOf": [["$ref": "#/components/schemas/Prediction"],
                                                  ["type": "array", "items": ["$ref": "#/components/schemas/Prediction"]]]],
                                       "One prediction for an object, an array of predictions for an array, in order.")
        let row: [String: Any] = ["type": "object", "description": "A row with the source CSV's columns (raw values; null is missing).",
                                  "additionalProperties": ["oneOf": [["type": "number"], ["type": "string"], ["type": "boolean"]], "nullable": true]]
        let doc: [String: Any] = [
            "openapi": "3.0.3",
            "info": ["title": "rung serve", "version": version,
                     "description": "Scores raw rows with a registered model, cleaned and encoded as `rung predict` does."],
            "paths": [
                "/predict": ["post": [
                    "summary": "Score one row or an array of rows.",
                    "parameters": [["name": "explain", "in": "query", "required": false,
                                    "description": "Add the K largest per-source-column contributions (SHAP values, log-odds).",
                                    "schema": ["type": "integer", "minimum": 0]]],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": ["oneOf": [row, ["type": "array", "items": row]]]]]],
                    "responses": predictResponses,
                ]],
                "/healthz": ["get": ["summary": "Liveness: the process answers.",
                                     "responses": ["200": json(["$ref": "#/components/schemas/Health"], "Alive.")]]],
                "/readyz": ["get": ["summary": "Readiness: a model is loaded.",
                                    "responses": ["200": json(["$ref": "#/components/schemas/Health"], "A model is loaded."),
                                                  "503": json(["$ref": "#/components/schemas/Health"], "No model is loaded yet.")]]],
                "/model": ["get": ["summary": "The served version: family, version, stage, parameters, test metrics, data version.",
                                   "responses": ["200": json(["$ref": "#/components/schemas/Model"], "The served model."),
                                                 "503": json(error, "No model is loaded yet.")]]],
                "/metrics": ["get": ["summary": "Prometheus metrics (text format 0.0.4).",
                                     "responses": ["200": ["description": "Metrics.", "content": ["text/plain": ["schema": ["type": "string"]]]]]]],
                "/openapi.json": ["get": ["summary": "This document.",
                                          "responses": ["200": json(["type": "object", "required": ["openapi", "paths"]], "The document.")]]],
            ],
            "components": ["schemas": [
                "Prediction": ["type": "object", "required": ["probability", "label", "family", "version"], "properties": [
                    "probability": ["type": "number"], "label": ["type": "integer"],
                    "family": ["type": "string"], "version": ["type": "integer"],
                    "ids": ["type": "object"],
                    "explanation": ["type": "array", "items": ["type": "object", "required": ["column", "contribution"],
                                                               "properties": ["column": ["type": "string"], "contribution": ["type": "number"]]]],
                    "bias": ["type": "number"],
                ]],
                "Error": ["type": "object", "required": ["error"], "properties": [
                    "error": ["type": "object", "required": ["status", "kind", "message"], "properties": [
                        "status": ["type": "integer"], "kind": ["type": "string"], "message": ["type": "string"],
                        "field": ["type": "string"], "row": ["type": "integer"],
                    ]],
                ]],
                "Health": ["type": "object", "required": ["status"], "properties": [
                    "status": ["type": "string"], "model": ["type": "string"], "message": ["type": "string"],
                ]],
                "Model": ["type": "object", "required": ["family", "version", "stage", "params", "metrics", "data_version", "loaded_at"], "properties": [
                    "family": ["type": "string"], "version": ["type": "integer"], "stage": ["type": "string"],
                    "reference": ["type": "string"], "params": ["type": "object"], "metrics": ["type": "object"],
                    "data_version": ["type": "string"], "sweep_id": ["type": "integer"], "trial_id": ["type": "integer"],
                    "created_at": ["type": "string"], "loaded_at": ["type": "string"],
                    "feature_columns": ["type": "array", "items": ["type": "string"]],
                ]],
            ]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }
}
