import Foundation
import RungCore

/// A directory built under a temporary sibling name and renamed into place by `commit()`,
/// so readers never see it half-written; `discard()` removes it if it was not committed.
final class AtomicDirectory {
    /// Where files are written until `commit()`.
    let url: URL
    private let final: URL
    private var committed = false
    private var token: UInt64 = 0

    /// Creates the temporary sibling of `final` (whose parent directories are created).
    init(final: URL) throws {
        self.final = final.standardizedFileURL
        let parent = self.final.deletingLastPathComponent()
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw RungError.unavailable("cannot create directory \(parent.path): \(error.localizedDescription)")
        }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: self.final.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw RungError.usage("\(self.final.path) exists and is not a directory.") }
            let contents = (try? fm.contentsOfDirectory(atPath: self.final.path)) ?? []
            if !contents.isEmpty && !contents.contains(PreparedData.manifestFileName) {
                throw RungError.usage("\(self.final.path) is a non-empty directory that does not hold prepared data; choose another output directory.")
            }
        }
        let name = ".\(self.final.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        url = parent.appendingPathComponent(name)
        token = StagingDirectories.add(url.path)
        do {
            try fm.createDirectory(at: url, withIntermediateDirectories: false)
        } catch {
            StagingDirectories.remove(token)
            throw RungError.unavailable("cannot create directory \(url.path): \(error.localizedDescription)")
        }
    }

    /// Moves the finished directory into place, replacing an earlier prepared directory.
    func commit() throws {
        let fm = FileManager.default
        if rename(url.path, final.path) == 0 { committed = true; StagingDirectories.remove(token); return }
        // The target exists (and was checked to be empty or prepared data): swap it out.
        let old = url.deletingLastPathComponent().appendingPathComponent(".\(final.lastPathComponent).old-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        guard rename(final.path, old.path) == 0 else {
            throw RungError.unavailable("cannot replace \(final.path): \(String(cString: strerror(errno))).")
        }
        guard rename(url.path, final.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(old.path, final.path)
            throw RungError.unavailable("cannot move prepared data into \(final.path): \(reason).")
        }
        committed = true
        StagingDirectories.remove(token)
        try? fm.removeItem(at: old)
    }

    /// Removes the temporary directory unless it was committed.
    func discard() {
        if !committed { try? FileManager.default.removeItem(at: url) }
        StagingDirectories.remove(token)
    }
}
