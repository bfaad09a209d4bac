import Foundation
import RungCore

/// `metadata.json` of a model saved by `rung train --save`.
public struct ModelMetadataFile: Codable {
    var family: String
    var parameters: [String: ParamValue]
    var seed: UInt64
    var epochs: Int
    var dataVersion: String
    var validation: [String: Double]
    var test: [String: Double]
    var rungVersion: String
    var xgboostVersion: String
    var createdAt: String

    /// The metadata of the model `report` describes, saved by rung `rungVersion` with XGBoost `xgboostVersion` at `createdAt`.
    public init(report: TrainReport, rungVersion: String, xgboostVersion: String, createdAt: String) {
        family = report.family
        parameters = report.parameters
        seed = report.seed
        epochs = report.epochs.count
        dataVersion = report.dataVersion
        validation = report.epochs.last?.metrics ?? [:]
        test = report.test ?? [:]
        self.rungVersion = rungVersion
        self.xgboostVersion = xgboostVersion
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case family, parameters, seed, epochs, validation, test
        case dataVersion = "data_version"
        case rungVersion = "rung_version"
        case xgboostVersion = "xgboost_version"
        case createdAt = "created_at"
    }
}
