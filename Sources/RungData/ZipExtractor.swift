import Foundation
import RungCore
import ZIPFoundation

/// Finds one named file inside a zip archive, looking into folders and into zips nested
/// in the zip (up to three levels), and extracts it.
enum ZipExtractor {
    /// Whether the file at `url` starts like a zip archive.
    static func isZip(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        return Array(head) == [0x50, 0x4B, 0x03, 0x04]
    }

    /// The last path component of the first `.csv` entry of the zip at `archive`.
    static func firstCSVName(in archive: URL) throws -> String? {
        let zip: Archive
        do {
            zip = try Archive(url: archive, accessMode: .read)
        } catch {
            throw RungError.unavailable("\(archive.lastPathComponent) is not a readable zip archive: \(error).")
        }
        for entry in zip where entry.type == .file {
            let last = entry.path.split(separator: "/").last.map(String.init) ?? entry.path
            if last.lowercased().hasSuffix(".csv") && !last.hasPrefix("._") { return last }
        }
        return nil
    }

    /// Extracts the entry whose last path component is `fileName` from the zip at `archive`
    /// to `destination`, using `scratch` for nested zips. Throws if it is not there.
    static func extract(_ fileName: String, from archive: URL, to destination: URL, scratch: URL, depth: Int = 0) throws -> Bool {
        let zip: Archive
        do {
            zip = try Archive(url: archive, accessMode: .read)
        } catch {
            throw RungError.unavailable("\(archive.lastPathComponent) is not a readable zip archive: \(error).")
        }
        var nested: [Entry] = []
        for entry in zip where entry.type == .file {
            let last = entry.path.split(separator: "/").last.map(String.init) ?? entry.path
            if last == fileName {
                do {
                    _ = try zip.extract(entry, to: destination)
                } catch {
                    throw RungError.unavailable("cannot extract \(entry.path) from \(archive.lastPathComponent): \(error).")
                }
                return true
            }
            if last.lowercased().hasSuffix(".zip") && !last.hasPrefix("._") { nested.append(entry) }
        }
        guard depth < 3 else { return false }
        for (k, entry) in nested.enumerated() {
            let inner = scratch.appendingPathComponent("nested-\(depth)-\(k).zip")
            do {
                _ = try zip.extract(entry, to: inner)
            } catch {
                throw RungError.unavailable("cannot extract \(entry.path) from \(archive.lastPathComponent): \(error).")
            }
            if try extract(fileName, from: inner, to: destination, scratch: scratch, depth: depth + 1) { return true }
        }
        return false
    }
}
