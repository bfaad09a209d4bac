import Foundation
@testable import RungStore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Whether the peer of socket `fd` has closed its end (or the socket is gone): what a
/// client sees once the server ended its session.
func peerHungUp(_ fd: Int32) -> Bool {
    guard fd >= 0 else { return true }
    let rdhup: Int16 = 0x2000  // POLLRDHUP (Linux)
    var entry = pollfd(fd: fd, events: Int16(POLLIN) | rdhup, revents: 0)
    guard poll(&entry, 1, 0) == 1 else { return false }
    return entry.revents & (rdhup | Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)) != 0
}

extension PostgresTestServer {
    /// Waits until server backend `pid` has ended after `pg_terminate_backend` (which only
    /// signals it): it is gone from `pg_stat_activity` and holds no lock.
    @discardableResult
    func waitUntilEnded(backendPID pid: Int32, timeout: TimeInterval = 10,
                        file: StaticString = #filePath, line: UInt = #line) -> Bool {
        waitUntil("PostgreSQL backend \(pid) ended", timeout: timeout, file: file, line: line) {
            let rows = try? admin("SELECT pid FROM pg_stat_activity WHERE pid = $1::integer"
                                  + " UNION ALL SELECT pid FROM pg_locks WHERE pid = $1::integer", [.integer(Int64(pid))])
            return rows?.isEmpty == true
        }
    }

    /// Waits until server backend `pid` is idle outside a transaction: the COMMIT it was
    /// sent has been carried out.
    @discardableResult
    func waitUntilIdle(backendPID pid: Int32, timeout: TimeInterval = 10,
                       file: StaticString = #filePath, line: UInt = #line) -> Bool {
        waitUntil("PostgreSQL backend \(pid) is idle", timeout: timeout, file: file, line: line) {
            let rows = try? admin("SELECT state FROM pg_stat_activity WHERE pid = $1::integer", [.integer(Int64(pid))])
            return rows?.first?.first == "idle"
        }
    }
}
