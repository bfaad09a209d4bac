import Foundation
import RungTraining
import XCTest

/// `ensurePassiveWaitPolicy` re-executes the process with OMP_WAIT_POLICY=passive. The test
/// runs this test binary as a child process (the only way to observe an exec) whose test
/// body logs the policy before and after the call.
final class OpenMPEnvironmentTests: XCTestCase {
    static let childTest = "RungTrainingTests.OpenMPEnvironmentTests/testChildProcessBody"

    func testReExecutesOnceWithPassivePolicyWhenUnset() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("rung-omp-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "OMP_WAIT_POLICY")
        environment["RUNG_OMP_CHILD_LOG"] = log.path
        try runSelf(environment: environment)
        XCTAssertEqual(try String(contentsOf: log, encoding: .utf8).split(separator: "\n"),
                       ["before:unset", "before:passive", "after:passive"])
    }

    func testLeavesAnExplicitPolicyAlone() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("rung-omp-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_WAIT_POLICY"] = "active"
        environment["RUNG_OMP_CHILD_LOG"] = log.path
        try runSelf(environment: environment)
        XCTAssertEqual(try String(contentsOf: log, encoding: .utf8).split(separator: "\n"), ["before:active", "after:active"])
    }

    func runSelf(environment: [String: String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [Self.childTest]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "child test process failed")
    }

    /// Runs only inside the child process started above; skipped otherwise.
    func testChildProcessBody() throws {
        guard let path = ProcessInfo.processInfo.environment["RUNG_OMP_CHILD_LOG"] else {
            throw XCTSkip("Runs only as the child process of the re-exec tests.")
        }
        func append(_ line: String) {
            let handle = FileHandle(forWritingAtPath: path) ?? {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                return FileHandle(forWritingAtPath: path)!
            }()
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            handle.closeFile()
        }
        let policy = { ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset" }
        append("before:\(policy())")
        OpenMPEnvironment.ensurePassiveWaitPolicy(arguments: CommandLine.arguments)
        append("after:\(String(cString: getenv("OMP_WAIT_POLICY")))")
    }
}
