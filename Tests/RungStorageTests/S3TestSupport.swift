import Foundation
import RungCore
@testable import RungStore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the S3 tests: the package root, free ports and child processes.
enum S3TestSupport {
    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RungError.internalFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw RungError.internalFailure("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The first executable named `name` on PATH.
    static func onPath(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A Python 3 interpreter: `RUNG_PYTHON`, the package's `.venv`, else `python3` on PATH.
    static func python() -> String? {
        if let configured = ProcessInfo.processInfo.environment["RUNG_PYTHON"], FileManager.default.isExecutableFile(atPath: configured) {
            return configured
        }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return onPath("python3")
    }

    /// A file of `size` pseudo-random bytes from a fixed seed.
    static func randomFile(at url: URL, size: Int, seed: UInt64) throws {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: size)
        for index in stride(from: 0, to: size, by: 8) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var value = state
            for offset in 0..<min(8, size - index) {
                bytes[index + offset] = UInt8(truncatingIfNeeded: value >> 33)
                value = value &* 2862933555777941757 &+ 3037000493
            }
        }
        try Data(bytes).write(to: url)
    }
}
