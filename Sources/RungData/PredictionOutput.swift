import Foundation
import RungCore

/// The CSV that `rung predict` writes: the input's id columns, then `probability`
/// (of the positive class) and `label` (1 when the probability is above the threshold).
public enum PredictionOutput {
    /// The CSV bytes for `ids` (one column each, as cleaned) and one probability per row.
    public static func csv(ids: [CleanColumn], probabilities: [Double], threshold: Double) -> [UInt8] {
        var columns = ids.map { CleanColumn(name: $0.name, role: .id, values: $0.values) }
        columns.append(CleanColumn(name: "probability", role: .feature, values: .numeric(probabilities)))
        columns.append(CleanColumn(name: "label", role: .feature,
                                   values: .numeric(probabilities.map { $0 > threshold ? 1 : 0 })))
        return CleanTableWriter.csv(CleanTable(sourceName: "predictions", columns: columns))
    }

    /// Writes `bytes` to `url` through a temporary sibling and a rename, so readers never
    /// see a half-written file and a failure leaves any earlier file in place.
    public static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try FileIO.write(bytes, to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw RungError.unavailable("cannot move the predictions into \(url.path): \(String(cString: strerror(errno))).")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
