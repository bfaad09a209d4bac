import Crypto
import Foundation
import RungCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `BlobStore` in an S3 bucket (or an S3-compatible server) under a key prefix, spoken to
/// over libcurl with Signature V4.
///
/// - Uploads send the body's SHA-256 as the signed payload hash, its MD5 as `Content-MD5`
///   (S3 rejects a body that does not match either) and record the SHA-256 of the whole
///   file as user metadata `x-amz-meta-sha256`. Files above `multipartThreshold` go up in
///   parts of `partSize`, read from the file as they are sent; a failed upload is aborted.
/// - Downloads stream into a temporary file beside the destination; the size is checked
///   against `Content-Length` and the SHA-256 against `x-amz-meta-sha256` before the file
///   is renamed into place. A mismatch removes the temporary and is an error.
/// - `putDirectory` uploads the files, then the manifest `.rung-directory.json` last (see
///   `S3DirectoryManifest`); the manifest is not listed.
/// - Transient failures are retried per `S3Configuration.retry`; refusals are not.
public struct S3BlobStore: BlobStore {
    /// Bucket, prefix, endpoint and tuning.
    public var configuration: S3Configuration { client.configuration }
    let client: S3Client

    /// Creates a store for `configuration`, signing with `credentials`.
    public init(configuration: S3Configuration, credentials: any S3CredentialProvider) {
        client = S3Client(configuration: configuration, credentials: credentials)
    }

    /// Opens `s3://bucket/prefix` with the endpoint, region and addressing from
    /// `environment` and the credential chain over the same environment.
    public init(uri: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.init(configuration: try S3Configuration(uri: uri, environment: environment),
                  credentials: S3CredentialChain.shared(environment: environment))
    }

    public var rootURI: String {
        "s3://\(configuration.bucket)/" + configuration.prefix
    }

    public func uri(for key: String) -> String {
        key.isEmpty ? rootURI : "s3://\(configuration.bucket)/\(objectKey(key))"
    }

    public func localFile(for key: String) -> URL? { nil }

    // MARK: - Upload

    public func put(_ file: URL, key: String) throws {
        try FileBlobStore.validate(key: key)
        try upload(file, objectKey: objectKey(key), uri: uri(for: key))
    }

    public func putDirectory(_ files: [String: URL], prefix: String) throws {
        try FileBlobStore.validate(key: prefix)
        for name in files.keys { try FileBlobStore.validate(key: name) }
        let directory = objectKey(prefix)
        let manifestKey = directory + "/" + S3DirectoryManifest.fileName
        // Readers that check the manifest see the directory as incomplete from here on.
        try deleteObject(manifestKey, uri: "s3://\(configuration.bucket)/\(manifestKey)")
        let existing = try listObjects(prefix: directory + "/")
        var manifest = S3DirectoryManifest(files: [:])
        for (name, file) in files.sorted(by: { $0.key < $1.key }) {
            let entry = try upload(file, objectKey: directory + "/" + name, uri: uri(for: prefix + "/" + name))
            manifest.files[name] = entry
        }
        let stale = existing.filter { key in
            let name = String(key.dropFirst(directory.count + 1))
            return files[name] == nil && name != S3DirectoryManifest.fileName
        }
        try deleteObjects(stale)
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("rung-manifest-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try manifest.encoded().write(to: temporary)
        try upload(temporary, objectKey: manifestKey, uri: "s3://\(configuration.bucket)/\(manifestKey)")
    }

    /// The manifest of a directory written by `putDirectory`, or nil while it is being
    /// written (or if it was not written by `putDirectory`).
    public func directoryManifest(prefix: String) throws -> S3DirectoryManifest? {
        try FileBlobStore.validate(key: prefix)
        let key = objectKey(prefix) + "/" + S3DirectoryManifest.fileName
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("rung-manifest-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard try download(objectKey: key, uri: "s3://\(configuration.bucket)/\(key)", to: temporary, missingIsNil: true) else {
            return nil
        }
        return try S3DirectoryManifest.decode(Data(contentsOf: temporary), uri: "s3://\(configuration.bucket)/\(key)")
    }

    /// Uploads `file` to `objectKey`: one PUT up to the multipart threshold, else a
    /// multipart upload. Returns the file's size and SHA-256.
    @discardableResult
    func upload(_ file: URL, objectKey: String, uri: String) throws -> S3DirectoryManifest.Entry {
        let size = try Self.regularFileSize(file)
        if size > configuration.multipartThreshold {
            return try uploadMultipart(file, size: size, objectKey: objectKey, uri: uri)
        }
        let digest = try FileDigest(path: file.path, offset: 0, length: size)
        let operation = S3Operation(method: "PUT", objectKey: objectKey, headers: [
            ("content-md5", digest.md5Base64),
            ("content-type", "application/octet-stream"),
            ("x-amz-meta-sha256", digest.sha256Hex),
        ], body: .file(path: file.path, offset: 0, length: size), payloadHash: digest.sha256Hex)
        // A body damaged in transit (seen as an ETag that is not the MD5 sent) is sent once more.
        for attempt in 1...2 {
            let response = try client.send(operation, uri: uri)
            guard (200..<300).contains(response.status) else { throw client.failure(response, method: "PUT", uri: uri) }
            do {
                try Self.checkETag(response, expectedMD5: digest.md5Hex, uri: uri)
                break
            } catch where attempt < 2 {
                continue
            }
        }
        return S3DirectoryManifest.Entry(size: size, sha256: digest.sha256Hex)
    }

    /// Throws if a plain (non-multipart) ETag differs from the MD5 of what was sent.
    static func checkETag(_ response: HTTPResponse, expectedMD5: String, uri: String) throws {
        guard let etag = response.headers["etag"]?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased(),
              etag.count == 32, etag.allSatisfy(\.isHexDigit) else { return }
        if etag != expectedMD5 {
            throw RungError.unavailable("S3 stored different bytes for \(uri) than were sent (ETag \(etag), MD5 \(expectedMD5)); the upload was corrupted in transit")
        }
    }

    // MARK: - Download

    public func get(_ key: String, to destination: URL) throws {
        try FileBlobStore.validate(key: key)
        guard try download(objectKey: objectKey(key), uri: uri(for: key), to: destination, missingIsNil: true) else {
            throw RungError.badInput("blob \(key) does not exist in \(rootURI)")
        }
    }

    /// Streams `objectKey` into `destination` through a temporary sibling, checking size and
    /// SHA-256 first. Returns false if the object does not exist and `missingIsNil`.
    func download(objectKey: String, uri: String, to destination: URL, missingIsNil: Bool) throws -> Bool {
        let parent = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw RungError.unavailable("cannot create the directory \(parent.path) for \(uri): \(error.localizedDescription)")
        }
        let temporary = parent.appendingPathComponent(FileBlobStore.temporaryPrefix + destination.lastPathComponent + "-" + UUID().uuidString)
        let fd = open(temporary.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RungError.unavailable("cannot create \(temporary.path) for \(uri): \(String(cString: strerror(errno)))")
        }
        var keep = false
        defer {
            close(fd)
            if !keep { unlink(temporary.path) }
        }
        let response = try client.send(S3Operation(method: "GET", objectKey: objectKey), uri: uri, sink: fd)
        if response.status == 404, missingIsNil, Self.isMissingKey(response) { return false }
        guard response.status == 200 else { throw client.failure(response, method: "GET", uri: uri) }
        if let lengthText = response.headers["content-length"], let length = Int64(lengthText), length != response.bytesWritten {
            throw RungError.badInput("the download of \(uri) is incomplete: \(response.bytesWritten) of \(length) bytes arrived; the partial file was removed")
        }
        if let expected = response.headers["x-amz-meta-sha256"]?.lowercased(), let actual = response.sha256, expected != actual {
            throw RungError.badInput("the download of \(uri) is corrupt: its SHA-256 is \(actual) but the object's x-amz-meta-sha256 says \(expected); the partial file was removed")
        }
        guard fsync(fd) == 0 else {
            throw RungError.unavailable("cannot flush \(temporary.path) to disk: \(String(cString: strerror(errno)))")
        }
        try FileBlobStore.rename(temporary, to: destination)
        keep = true
        return true
    }

    /// Whether a 404 means "no such key" (and not, say, "no such bucket").
    static func isMissingKey(_ response: HTTPResponse) -> Bool {
        let code = S3Client.errorCode(response)
        return code == nil || code == "NoSuchKey" || code == "NotFound"
    }

    // MARK: - Queries and deletion

    public func exists(_ key: String) throws -> Bool {
        try FileBlobStore.validate(key: key)
        let uri = uri(for: key)
        let response = try client.send(S3Operation(method: "HEAD", objectKey: objectKey(key)), uri: uri)
        switch response.status {
        case 200: return true
        case 404: return false
        default: throw client.failure(response, method: "HEAD", uri: uri)
        }
    }

    /// The object's response headers (HEAD), nil if it does not exist.
    func head(_ key: String) throws -> [String: String]? {
        let uri = uri(for: key)
        let response = try client.send(S3Operation(method: "HEAD", objectKey: objectKey(key)), uri: uri)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw client.failure(response, method: "HEAD", uri: uri) }
        return response.headers
    }

    public func list(prefix: String) throws -> [String] {
        if prefix.hasPrefix("/") || prefix.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            throw RungError.usage("blob prefix \(prefix) must be a relative key prefix without . or ..")
        }
        let base = configuration.prefix.isEmpty ? "" : configuration.prefix + "/"
        return try listObjects(prefix: base + prefix)
            .map { String($0.dropFirst(base.count)) }
            .filter { key in
                let name = key.split(separator: "/").last.map(String.init) ?? key
                return name != S3DirectoryManifest.fileName && !name.hasPrefix(FileBlobStore.temporaryPrefix)
            }
            .sorted()
    }

    /// Every full object key in the bucket starting with `prefix` (ListObjectsV2, following
    /// continuation tokens).
    func listObjects(prefix: String) throws -> [String] {
        var keys: [String] = []
        var token: String?
        let uri = "s3://\(configuration.bucket)/\(prefix)"
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(configuration.listPageSize))]
            if let token { query.append(("continuation-token", token)) }
            let response = try client.send(S3Operation(method: "GET", objectKey: "", query: query), uri: uri)
            guard response.status == 200, let text = String(data: response.body, encoding: .utf8) else {
                throw client.failure(response, method: "LIST", uri: uri)
            }
            for contents in S3XML.blocks("Contents", in: text[...]) {
                if let key = S3XML.value("Key", in: contents) { keys.append(key) }
            }
            let truncated = S3XML.value("IsTruncated", in: text[...]) == "true"
            token = truncated ? S3XML.value("NextContinuationToken", in: text[...]) : nil
            if truncated && token == nil {
                throw RungError.unavailable("S3 at \(configuration.endpointDescription) sent a truncated listing of \(uri) without a continuation token")
            }
        } while token != nil
        return keys
    }

    public func delete(_ key: String) throws {
        try FileBlobStore.validate(key: key)
        try deleteObject(objectKey(key), uri: uri(for: key))
        try deleteObjects(try listObjects(prefix: objectKey(key) + "/"))
    }

    /// Deletes one object; a missing object is not an error.
    func deleteObject(_ objectKey: String, uri: String) throws {
        let response = try client.send(S3Operation(method: "DELETE", objectKey: objectKey), uri: uri)
        guard (200..<300).contains(response.status) || (response.status == 404 && Self.isMissingKey(response)) else {
            throw client.failure(response, method: "DELETE", uri: uri)
        }
    }

    /// Deletes full object keys in batches of 1000 (DeleteObjects, quiet mode).
    func deleteObjects(_ keys: [String]) throws {
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(keys.count, start + 1000)]
            start += batch.count
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            for key in batch { xml += "<Object><Key>\(S3XML.escape(key))</Key></Object>" }
            xml += "</Delete>"
            let body = Data(xml.utf8)
            let uri = "s3://\(configuration.bucket)/\(batch.first!)"
            let response = try client.send(S3Operation(
                method: "POST", objectKey: "", query: [("delete", "")],
                headers: [("content-md5", Data(Insecure.MD5.hash(data: body)).base64EncodedString()),
                          ("content-type", "application/xml")],
                body: .data(body), payloadHash: SigV4Signer.sha256Hex(body)), uri: uri)
            guard response.status == 200 else { throw client.failure(response, method: "DELETE", uri: uri) }
            let text = String(decoding: response.body, as: UTF8.self)
            if let error = S3XML.blocks("Error", in: text[...]).first {
                let key = S3XML.value("Key", in: error) ?? "?"
                let code = S3XML.value("Code", in: error) ?? "?"
                throw RungError.unavailable("S3 could not delete s3://\(configuration.bucket)/\(key) (\(code))")
            }
        }
    }

    // MARK: - Helpers

    /// The full object key of a blob key.
    func objectKey(_ key: String) -> String {
        configuration.prefix.isEmpty ? key : configuration.prefix + "/" + key
    }

    /// The size of a regular file, or a `RungError` naming it.
    static func regularFileSize(_ file: URL) throws -> Int64 {
        var info = stat()
        guard stat(file.path, &info) == 0 else {
            throw RungError.badInput("cannot upload \(file.path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw RungError.badInput("cannot upload \(file.path): it is not a regular file")
        }
        return Int64(info.st_size)
    }
}
