import Foundation
import XCTest

/// (Shared by symlink with CLITests and RungStorageTests.) Polls `condition` every `interval` seconds until it holds and returns true; when
/// `timeout` seconds pass first, fails the test naming what was awaited (with `detail`,
/// evaluated only then) and returns false. Tests wait on a condition this way, never on a
/// fixed sleep.
@discardableResult
func waitUntil(_ what: String, timeout: TimeInterval, interval: TimeInterval = 0.02,
               detail: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line,
               _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        guard Date() < deadline else {
            let more = detail()
            XCTFail("timed out after \(timeout) s waiting until \(what)" + (more.isEmpty ? "" : "\n\(more)"), file: file, line: line)
            return false
        }
        Thread.sleep(forTimeInterval: interval)
    }
}
