import Foundation
import RungCore
import RungData

/// One data version's splits as XGBoost matrices, built once and reused by every trial that
/// trains on them: building a `DMatrix` (and XGBoost's histogram index, which it caches in
/// the training matrix) and checking the labels costs tens of milliseconds per trial on the
/// readmission data, so a worker slot keeps one of these per data version.
///
/// Thread rule for `@unchecked Sendable`: an instance may be handed between threads but is
/// used by one thread at a time (each worker slot keeps its own; XGBoost's matrix caches
/// are not safe to share between concurrently training boosters).
public final class TrainingMatrices: @unchecked Sendable {
    /// The training split.
    public let train: EncodedSplit
    /// The validation split.
    public let validation: EncodedSplit
    /// The test split, when given.
    public let test: EncodedSplit?

    let trainMatrix: DMatrix
    let validationMatrix: DMatrix
    let validationLabels: [Double]
    let fingerprint: DataFingerprint
    private var testMatrixStorage: DMatrix?

    /// Checks the splits (non-empty, same columns, 0/1 labels) and builds their matrices;
    /// throws `RungError.badInput` naming the split and row at fault.
    public init(train: EncodedSplit, validation: EncodedSplit, test: EncodedSplit? = nil) throws {
        guard train.features.rowCount > 0 else { throw RungError.badInput("The training split has no rows.") }
        guard validation.features.rowCount > 0 else { throw RungError.badInput("The validation split has no rows.") }
        guard validation.features.columnCount == train.features.columnCount else {
            throw RungError.badInput("The validation split has \(validation.features.columnCount) columns but the training split has \(train.features.columnCount).")
        }
        if let test, test.features.columnCount != train.features.columnCount {
            throw RungError.badInput("The test split has \(test.features.columnCount) columns but the training split has \(train.features.columnCount).")
        }
        for (name, labels) in [("training", train.labels), ("validation", validation.labels)] {
            if let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw RungError.badInput("The \(name) split has label \(labels[i]) at row \(i); labels must be 0 or 1.")
            }
        }
        self.train = train
        self.validation = validation
        self.test = test
        fingerprint = DataFingerprint(train)
        trainMatrix = try DMatrix(train.features, labels: train.labels)
        validationMatrix = try DMatrix(validation.features, labels: validation.labels)
        validationLabels = validation.labels.map(Double.init)
    }

    /// The number of feature columns.
    public var columnCount: Int { train.features.columnCount }

    /// The test split's matrix, built on first use; nil without a test split.
    var testMatrix: DMatrix? {
        get throws {
            guard let test else { return nil }
            if let testMatrixStorage { return testMatrixStorage }
            let matrix = try DMatrix(test.features, labels: test.labels)
            testMatrixStorage = matrix
            return matrix
        }
    }
}
