import Foundation
import RungBlob
import RungCore

/// Turns a data source as users write it into a local CSV file: a path, a `file://` URL,
/// an `http(s)://` URL (downloaded once into the cache, keyed by the URL; a zip is
/// unpacked to its first `.csv` entry), or a known dataset id (`uci-diabetes-130`, `uci-adult`, `uci-heart-cleveland`),
/// which is looked up as its relative path
/// under each directory of `RUNG_DATASETS` (colon-separated), then in the download cache
/// (`$XDG_CACHE_HOME/rung/datasets`, default `~/.cache/rung/datasets`), and otherwise
/// downloaded into the cache, its SHA-256 checked (a mismatch leaves nothing cached).
public enum DatasetResolver {
    /// The download cache directory for `environment`.
    public static func cacheDirectory(environment: [String: String]) -> URL {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("rung/datasets")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/rung/datasets")
    }

    /// Resolves `source` with the built-in dataset catalogue.
    public static func resolve(_ source: String, environment: [String: String]) throws -> URL {
        try resolve(source, environment: environment, catalog: KnownDataset.builtin)
    }

    /// Resolves `source`; `catalog` lists the known dataset ids. A known dataset's download
    /// URL can be overridden with its `urlEnvironmentKey` variable.
    public static func resolve(_ source: String, environment: [String: String], catalog: [KnownDataset]) throws -> URL {
        if let known = catalog.first(where: { $0.id == source }) {
            return try resolve(known, environment: environment)
        }
        let location: Location
        do {
            location = try Location(parsing: source)
        } catch .invalidFileURI {
            throw RungError.usage("data source \(source) is not a valid file:// URL.")
        } catch .empty {
            location = .local(source)
        }
        let path: String
        switch location {
        case .s3:
            throw RungError.usage("data source \(source): s3:// sources are not supported yet; download the file and pass its path.")
        case .other(let scheme, _) where scheme == "http" || scheme == "https":
            return try resolveURL(source, environment: environment)
        case .other:
            path = source
        case .local(let local):
            if local != source { return try existingFile(URL(fileURLWithPath: local), source: source) }
            path = local
        }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            let ids = catalog.map(\.id).joined(separator: ", ")
            throw RungError.badInput("data source \(source) is neither an existing file nor a known dataset id (\(ids)).")
        }
        return try existingFile(url, source: source)
    }

    private static func existingFile(_ url: URL, source: String) throws -> URL {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw RungError.badInput("data source \(source) does not exist.")
        }
        guard !isDir.boolValue else { throw RungError.badInput("data source \(source) is a directory, not a CSV file.") }
        return url
    }

    /// Finds or downloads one known dataset.
    public static func resolve(_ dataset: KnownDataset, environment: [String: String]) throws -> URL {
        let fm = FileManager.default
        for dir in (environment["RUNG_DATASETS"] ?? "").split(separator: ":") where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(dataset.relativePath)
            if fm.fileExists(atPath: candidate.path) { return candidate }
        }
        let cache = cacheDirectory(environment: environment)
        let cached = cache.appendingPathComponent(dataset.relativePath)
        if fm.fileExists(atPath: cached.path) { return cached }
        let url = environment[dataset.urlEnvironmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? dataset.url
        try download(dataset, from: url, into: cached, cache: cache)
        return cached
    }

    /// Downloads an http(s) URL into `<cache>/url/<first 16 hex digits of its SHA-256>/`,
    /// unless it is there already.
    static func resolveURL(_ source: String, environment: [String: String]) throws -> URL {
        let fm = FileManager.default
        let cache = cacheDirectory(environment: environment)
        let key = String(ContentHash.sha256(Array(source.utf8)).prefix(16))
        let dir = cache.appendingPathComponent("url/\(key)")
        if let existing = try? fm.contentsOfDirectory(atPath: dir.path).first(where: { !$0.hasPrefix(".") }) {
            return dir.appendingPathComponent(existing)
        }
        var name = URL(string: source)?.lastPathComponent ?? ""
        if name.isEmpty || name == "/" { name = "data.csv" }
        let (work, downloaded) = try downloadToScratch(source, cache: cache)
        defer { try? fm.removeItem(at: work) }
        var file = downloaded
        if ZipExtractor.isZip(downloaded) {
            guard let csvName = try ZipExtractor.firstCSVName(in: downloaded) else {
                throw RungError.badInput("the zip archive at \(source) holds no .csv file.")
            }
            name = csvName
            file = work.appendingPathComponent(csvName)
            _ = try ZipExtractor.extract(csvName, from: downloaded, to: file, scratch: work)
        }
        let staged = work.appendingPathComponent("dir")
        try fm.createDirectory(at: staged, withIntermediateDirectories: false)
        guard rename(file.path, staged.appendingPathComponent(name).path) == 0 else {
            throw RungError.unavailable("cannot move the download into the cache: \(String(cString: strerror(errno))).")
        }
        try fm.createDirectory(at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
        if rename(staged.path, dir.path) != 0 && !fm.fileExists(atPath: dir.appendingPathComponent(name).path) {
            throw RungError.unavailable("cannot move the download into \(dir.path): \(String(cString: strerror(errno))).")
        }
        return dir.appendingPathComponent(name)
    }

    /// Creates the cache and a private scratch folder in it, and downloads `url` into that
    /// folder; the caller removes the folder. Nothing is left behind if the download fails.
    private static func downloadToScratch(_ url: String, cache: URL) throws -> (work: URL, downloaded: URL) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: cache, withIntermediateDirectories: true)
        } catch {
            throw RungError.unavailable("cannot create the dataset cache \(cache.path): \(error.localizedDescription)")
        }
        let work = cache.appendingPathComponent(".download-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try fm.createDirectory(at: work, withIntermediateDirectories: false)
        let downloaded = work.appendingPathComponent("download")
        do {
            try HTTPDownload.fetch(url, to: downloaded)
        } catch {
            try? fm.removeItem(at: work)
            throw error
        }
        return (work, downloaded)
    }

    /// Downloads `url` (a zip or the CSV), extracts the CSV, checks its hash and moves it to `target`.
    static func download(_ dataset: KnownDataset, from url: String, into target: URL, cache: URL) throws {
        let fm = FileManager.default
        let (work, downloaded) = try downloadToScratch(url, cache: cache)
        defer { try? fm.removeItem(at: work) }
        var csv = downloaded
        if ZipExtractor.isZip(downloaded) {
            csv = work.appendingPathComponent(dataset.fileName)
            guard try ZipExtractor.extract(dataset.fileName, from: downloaded, to: csv, scratch: work) else {
                throw RungError.unavailable("the archive downloaded from \(url) has no \(dataset.fileName).")
            }
        }
        let hash = try ContentHash.sha256(file: csv)
        guard hash == dataset.sha256 else {
            throw RungError.unavailable("\(dataset.fileName) downloaded from \(url) has SHA-256 \(hash), expected \(dataset.sha256); nothing was cached.")
        }
        try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard rename(csv.path, target.path) == 0 else {
            throw RungError.unavailable("cannot move the download into \(target.path): \(String(cString: strerror(errno))).")
        }
    }
}
