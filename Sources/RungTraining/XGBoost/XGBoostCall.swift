import CXGBoost
import Foundation
import RungCore

/// Turns the status of an XGBoost C call into a `RungError` naming the call and
/// XGBoost's own message (`XGBGetLastError`).
enum XGBoostCall {
    /// Throws `RungError.internalFailure` when `status` is not 0.
    static func check(_ status: Int32, _ call: String) throws {
        guard status != 0 else { return }
        throw RungError.internalFailure("XGBoost call \(call) failed: \(lastError()).")
    }

    /// XGBoost's message for the last failed call on this thread.
    static func lastError() -> String {
        guard let message = XGBGetLastError() else { return "no message" }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "no message" : text
    }
}
