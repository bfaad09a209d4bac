import Foundation
import RungCore
@testable import RungBlob
import XCTest

final class FileBlobStoreTests: XCTestCase {
    private func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func testPutGetListDelete() throws {
        let dir = try TemporaryDirectory()
        let blobs = FileBlobStore(root: dir.url.appendingPathComponent("artifacts"))
        let source = dir.url.appendingPathComponent("in.txt")
        // Larger than one copy chunk, so the streaming loop runs more than once.
        let big = String(repeating: "0123456789abcdef", count: 200_000)
        try write(big, to: source)

        try blobs.put(source, key: "runs/1/ckpt.json")
        try blobs.put(source, key: "runs/10/ckpt.json")
        try blobs.put(source, key: "other.txt")
        XCTAssertTrue(try blobs.exists("runs/1/ckpt.json"))
        XCTAssertFalse(try blobs.exists("runs/1/missing.json"))
        XCTAssertFalse(try blobs.exists("runs/1"), "a directory is not a blob")
        XCTAssertEqual(try blobs.list(prefix: "runs/1"), ["runs/1/ckpt.json", "runs/10/ckpt.json"])
        XCTAssertEqual(try blobs.list(prefix: "runs/1/"), ["runs/1/ckpt.json"])
        XCTAssertEqual(try blobs.list(prefix: ""), ["other.txt", "runs/1/ckpt.json", "runs/10/ckpt.json"])
        XCTAssertEqual(try blobs.list(prefix: "nothing/here"), [])

        let out = dir.url.appendingPathComponent("fetched/deep/out.txt")
        try blobs.get("runs/1/ckpt.json", to: out)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), big)
        XCTAssertEqual(blobs.localFile(for: "other.txt")?.path, dir.path("artifacts/other.txt"))

        // Replacing keeps one file and leaves no temporaries behind.
        try write("new", to: source)
        try blobs.put(source, key: "other.txt")
        try blobs.get("other.txt", to: out)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), "new")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path("artifacts"))
        XCTAssertFalse(leftovers.contains { $0.hasPrefix(FileBlobStore.temporaryPrefix) }, "\(leftovers)")

        try blobs.delete("runs/10")
        try blobs.delete("does/not/exist")
        XCTAssertEqual(try blobs.list(prefix: "runs"), ["runs/1/ckpt.json"])

        let missing = captureError { try blobs.get("nope.txt", to: out) } as? RungError
        XCTAssertEqual(missing?.kind, .badInput)
        XCTAssertTrue(missing?.message.contains("nope.txt") ?? false)
    }

    func testRejectsUnsafeKeys() throws {
        let dir = try TemporaryDirectory()
        let blobs = FileBlobStore(root: dir.url)
        let source = dir.url.appendingPathComponent("f")
        try write("x", to: source)
        for key in ["", "/abs", "a/../b", "a//b", "./a", "a/", ".rung-tmp-x/a"] {
            let error = captureError { try blobs.put(source, key: key) } as? RungError
            XCTAssertEqual(error?.kind, .usage, key)
        }
    }

    func testPutDirectoryReplacesAndHidesTemporaries() throws {
        let dir = try TemporaryDirectory()
        let blobs = FileBlobStore(root: dir.url.appendingPathComponent("root"))
        let a = dir.url.appendingPathComponent("a.json"), b = dir.url.appendingPathComponent("b.json")
        try write("A", to: a)
        try write("B", to: b)
        // A crashed earlier attempt left a temporary directory beside the target.
        try write("partial", to: dir.url.appendingPathComponent("root/set/.rung-tmp-v1-dead/a.json"))
        XCTAssertEqual(try blobs.list(prefix: "set/"), [])

        try blobs.putDirectory(["a.json": a, "sub/b.json": b], prefix: "set/v1")
        XCTAssertEqual(try blobs.list(prefix: "set/"), ["set/v1/a.json", "set/v1/sub/b.json"])
        try blobs.putDirectory(["b.json": b], prefix: "set/v1")
        XCTAssertEqual(try blobs.list(prefix: "set/"), ["set/v1/b.json"], "a directory is replaced as a whole")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path("root/set")), ["v1"],
                       "the stale temporary of the same target is cleaned up")
    }

    func testOpenBlobStoreForms() throws {
        let dir = try TemporaryDirectory()
        let plain = try XCTUnwrap(try openBlobStore(uri: dir.path("art")) as? FileBlobStore)
        XCTAssertEqual(plain.root.path, dir.path("art"))
        let file = try XCTUnwrap(try openBlobStore(uri: "file://" + dir.path("art")) as? FileBlobStore)
        XCTAssertEqual(file.root.path, dir.path("art"))
        XCTAssertEqual(file.uri(for: "registry/x/v1"), "file://" + dir.path("art/registry/x/v1"))
        XCTAssertTrue(file.rootURI.hasPrefix("file://" + dir.path("art")))

        let s3 = try XCTUnwrap(try openBlobStore(uri: "s3://bucket/prefix", environment: [:]) as? S3BlobStore)
        XCTAssertEqual(s3.uri(for: "registry/x/v1"), "s3://bucket/prefix/registry/x/v1")
        for bad in ["http://example.com/x", "file://otherhost/x", ""] {
            XCTAssertEqual((captureError { try openBlobStore(uri: bad) } as? RungError)?.kind, .usage, bad)
        }
    }
}
