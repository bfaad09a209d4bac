import Foundation
import RungCore

extension S3BlobStore {
    /// Uploads `file` in parts of `partSize`, `partConcurrency` at a time, each read from the
    /// file as it is sent (never the whole file in memory); aborts the upload on failure.
    func uploadMultipart(_ file: URL, size: Int64, objectKey: String, uri: String) throws -> S3DirectoryManifest.Entry {
        let whole = try FileDigest(path: file.path, offset: 0, length: size, md5: false)
        let initiated = try client.send(S3Operation(method: "POST", objectKey: objectKey, query: [("uploads", "")], headers: [
            ("content-type", "application/octet-stream"),
            ("x-amz-meta-sha256", whole.sha256Hex),
        ]), uri: uri)
        guard initiated.status == 200 else { throw client.failure(initiated, method: "POST (start multipart upload)", uri: uri) }
        guard let uploadID = S3XML.value("UploadId", in: String(decoding: initiated.body, as: UTF8.self)[...]) else {
            throw RungError.unavailable("S3 at \(configuration.endpointDescription) started a multipart upload of \(uri) without an UploadId")
        }
        do {
            let partSize = configuration.partSize
            let count = Int((size + partSize - 1) / partSize)
            let state = MultipartState(count: count)
            let client = self.client
            let path = file.path
            let work: @Sendable () -> Void = {
                while let index = state.next() {
                    do {
                        let offset = Int64(index) * partSize
                        let length = min(partSize, size - offset)
                        let digest = try FileDigest(path: path, offset: offset, length: length)
                        let response = try client.send(S3Operation(
                            method: "PUT", objectKey: objectKey,
                            query: [("partNumber", String(index + 1)), ("uploadId", uploadID)],
                            headers: [("content-md5", digest.md5Base64)],
                            body: .file(path: path, offset: offset, length: length), payloadHash: digest.sha256Hex), uri: uri)
                        guard response.status == 200 else {
                            throw client.failure(response, method: "PUT (part \(index + 1) of \(count))", uri: uri)
                        }
                        guard let etag = response.headers["etag"] else {
                            throw RungError.unavailable("S3 at \(client.configuration.endpointDescription) accepted part \(index + 1) of \(uri) without an ETag")
                        }
                        try S3BlobStore.checkETag(response, expectedMD5: digest.md5Hex, uri: uri)
                        state.finish(index, etag: etag)
                    } catch {
                        state.fail(error)
                    }
                }
            }
            let threads = min(configuration.partConcurrency, count)
            let group = DispatchGroup()
            for _ in 1..<max(1, threads) {
                group.enter()
                Thread.detachNewThread { work(); group.leave() }
            }
            work()
            group.wait()
            let etags = try state.result()
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            for (index, etag) in etags.enumerated() {
                xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
            }
            xml += "</CompleteMultipartUpload>"
            let body = Data(xml.utf8)
            let completed = try client.send(S3Operation(method: "POST", objectKey: objectKey, query: [("uploadId", uploadID)],
                                                        headers: [("content-type", "application/xml")],
                                                        body: .data(body), payloadHash: SigV4Signer.sha256Hex(body)), uri: uri)
            guard completed.status == 200 else { throw client.failure(completed, method: "POST (complete multipart upload)", uri: uri) }
            return S3DirectoryManifest.Entry(size: size, sha256: whole.sha256Hex)
        } catch {
            // Best effort: an abandoned upload only costs storage until a lifecycle rule removes it.
            _ = try? client.send(S3Operation(method: "DELETE", objectKey: objectKey, query: [("uploadId", uploadID)]), uri: uri)
            throw error
        }
    }
}

/// The shared progress of one multipart upload: which part is next, the parts' ETags and
/// the first failure (which stops the other threads). Lock-guarded, hence Sendable.
final class MultipartState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var etags: [String?]
    private var error: Error?

    init(count: Int) { etags = Array(repeating: nil, count: count) }

    /// The next part to upload, or nil when all are taken or one failed.
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, nextIndex < etags.count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func finish(_ index: Int, etag: String) {
        lock.lock(); etags[index] = etag; lock.unlock()
    }

    func fail(_ failure: Error) {
        lock.lock(); if error == nil { error = failure }; lock.unlock()
    }

    /// The ETags in part order, or the first failure.
    func result() throws -> [String] {
        lock.lock(); defer { lock.unlock() }
        if let error { throw error }
        return etags.map { $0! }
    }
}
