import CXGBoost
import RungCore
import RungData

/// An XGBoost data matrix built from a `CSRMatrix` (absent entries are missing values),
/// optionally with labels. It owns its handle and frees it on deinit.
///
/// Thread rule for `@unchecked Sendable`: a `DMatrix` may be handed from one thread to
/// another, but is used by one thread at a time; it is never shared concurrently.
public final class DMatrix: @unchecked Sendable {
    let handle: DMatrixHandle
    /// Number of rows.
    public let rowCount: Int
    /// Number of columns.
    public let columnCount: Int

    /// Copies `features` into XGBoost (`XGDMatrixCreateFromCSREx`) and sets `labels` if given.
    public init(_ features: CSRMatrix, labels: [Float]? = nil) throws {
        if let labels, labels.count != features.rowCount {
            throw RungError.internalFailure("DMatrix needs one label per row: \(features.rowCount) rows, \(labels.count) labels.")
        }
        var out: DMatrixHandle?
        // Empty arrays may have no storage; XGBoost still wants valid pointers.
        let indices = features.columnIndices.isEmpty ? [UInt32(0)] : features.columnIndices
        let values = features.values.isEmpty ? [Float(0)] : features.values
        let status = features.rowOffsets.withUnsafeBufferPointer { offsets in
            indices.withUnsafeBufferPointer { idx in
                values.withUnsafeBufferPointer { vals in
                    XGDMatrixCreateFromCSREx(offsets.baseAddress, idx.baseAddress, vals.baseAddress,
                                             offsets.count, features.storedCount, features.columnCount, &out)
                }
            }
        }
        try XGBoostCall.check(status, "XGDMatrixCreateFromCSREx")
        guard let out else { throw RungError.internalFailure("XGDMatrixCreateFromCSREx returned no matrix.") }
        handle = out
        rowCount = features.rowCount
        columnCount = features.columnCount
        if let labels {
            let status = labels.withUnsafeBufferPointer {
                XGDMatrixSetFloatInfo(out, "label", $0.baseAddress, UInt64($0.count))
            }
            try XGBoostCall.check(status, "XGDMatrixSetFloatInfo(label)")
        }
    }

    deinit {
        XGDMatrixFree(handle)
    }
}
