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

    /// Copies `features` into XGBoost (`XGDMatrixCreateFromCSR`) and sets `labels` if given.
    public init(_ features: CSRMatrix, labels: [Float]? = nil) throws {
        if let labels, labels.count != features.rowCount {
            throw RungError.internalFailure("DMatrix needs one label per row: \(features.rowCount) rows, \(labels.count) labels.")
        }
        var out: DMatrixHandle?
        // Empty arrays may have no storage; XGBoost still wants valid pointers.
        let indices = features.columnIndices.isEmpty ? [UInt32(0)] : features.columnIndices
        let values = features.values.isEmpty ? [Float(0)] : features.values
        // XGDMatrixCreateFromCSR (NumPy array interfaces) is in XGBoost 1.7 and 3.x alike;
        // 3.x dropped XGDMatrixCreateFromCSREx. Absent entries are missing, as before.
        func interface(_ base: UnsafeRawPointer?, count: Int, type: String) -> String {
            "{\"data\": [\(UInt(bitPattern: base)), true], \"shape\": [\(count)], \"typestr\": \"\(type)\", \"version\": 3}"
        }
        let status = features.rowOffsets.withUnsafeBufferPointer { offsets in
            indices.withUnsafeBufferPointer { idx in
                values.withUnsafeBufferPointer { vals in
                    XGDMatrixCreateFromCSR(interface(offsets.baseAddress, count: offsets.count, type: "<i8"),
                                           interface(idx.baseAddress, count: features.storedCount, type: "<u4"),
                                           interface(vals.baseAddress, count: features.storedCount, type: "<f4"),
                                           UInt64(features.columnCount), "{\"missing\": NaN, \"nthread\": 1}", &out)
                }
            }
        }
        try XGBoostCall.check(status, "XGDMatrixCreateFromCSR")
        guard let out else { throw RungError.internalFailure("XGDMatrixCreateFromCSR returned no matrix.") }
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
