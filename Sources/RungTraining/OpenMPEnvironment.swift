import Foundation

/// Makes OpenMP (libgomp, loaded with libxgboost) idle politely between parallel regions.
///
/// libgomp reads `OMP_WAIT_POLICY` once, when the library loads at process start, so
/// setting it later in-process has no effect. Without `passive`, idle OpenMP threads spin,
/// and XGBoost with `nthread` > 1 on a busy machine runs many times slower (see
/// STACK-NOTES.md and the measurement in the RungTraining report).
public enum OpenMPEnvironment {
    /// If `OMP_WAIT_POLICY` is unset, sets it to `passive` and re-executes the current
    /// executable (`/proc/self/exe`) with the same `arguments` (argv, including argv[0]),
    /// so the new process image loads libgomp with the policy in place. Returns normally
    /// when the variable is already set (by the user or by the re-exec), or when
    /// re-executing is impossible (no `/proc`, as on macOS), in which case the process
    /// continues with OpenMP's default policy. Call it first thing in `main`.
    public static func ensurePassiveWaitPolicy(arguments: [String] = CommandLine.arguments) {
        guard ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] == nil else { return }
        setenv("OMP_WAIT_POLICY", "passive", 1)
        let executable = "/proc/self/exe"
        guard FileManager.default.isExecutableFile(atPath: executable) else { return }
        let argv = (arguments.isEmpty ? [executable] : arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Only returns on failure; then carry on in this process.
        _ = execv(executable, argv)
    }
}
