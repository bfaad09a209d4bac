import XCTest
@testable import RungCore

final class LocationTests: XCTestCase {
    func testPlainPathsStayAsWritten() throws {
        XCTAssertEqual(try Location(parsing: "data/prepared"), .local("data/prepared"))
        XCTAssertEqual(try Location(parsing: "/abs/dir"), .local("/abs/dir"))
        XCTAssertEqual(try Location(parsing: "  spaced  "), .local("spaced"))
        XCTAssertEqual(try Location(parsing: "C:/x"), .local("C:/x"), "a one-letter scheme is a path")
        XCTAssertEqual(try Location(parsing: "name:with-colon"), .local("name:with-colon"), "no :// means a path")
    }

    func testFileURIsAreLocalAbsolutePaths() throws {
        XCTAssertEqual(try Location(parsing: "file:///tmp/a%20b"), .local("/tmp/a b"))
        XCTAssertEqual(try Location(parsing: "FILE:///tmp/x"), .local("/tmp/x"))
        XCTAssertEqual(try Location(parsing: "file://localhost/tmp/x"), .local("/tmp/x"))
        XCTAssertEqual(try Location(parsing: "file:/tmp/x"), .local("/tmp/x"))
    }

    func testMalformedFileURIsAndEmptyTextAreErrors() {
        XCTAssertThrowsError(try Location(parsing: "file://host/tmp/x")) { XCTAssertEqual($0 as? Location.ParseError, .invalidFileURI) }
        XCTAssertThrowsError(try Location(parsing: "file://")) { XCTAssertEqual($0 as? Location.ParseError, .invalidFileURI) }
        XCTAssertThrowsError(try Location(parsing: "file:relative")) { XCTAssertEqual($0 as? Location.ParseError, .invalidFileURI) }
        XCTAssertThrowsError(try Location(parsing: "file:///bad%zz")) { XCTAssertEqual($0 as? Location.ParseError, .invalidFileURI) }
        XCTAssertThrowsError(try Location(parsing: "  ")) { XCTAssertEqual($0 as? Location.ParseError, .empty) }
    }

    func testS3SchemeIsCaseInsensitive() throws {
        XCTAssertEqual(try Location(parsing: "s3://bucket/prefix"), .s3("s3://bucket/prefix"))
        XCTAssertEqual(try Location(parsing: "S3://Bucket/p"), .s3("S3://Bucket/p"))
        XCTAssertTrue(Location.isS3("s3://b"))
        XCTAssertTrue(Location.isS3("S3://b"))
        XCTAssertFalse(Location.isS3("s3:b"))
        XCTAssertFalse(Location.isS3("data/s3://x"))
        XCTAssertTrue(try Location(parsing: "s3://b/p").isRemote)
        XCTAssertFalse(try Location(parsing: "/p").isRemote)
    }

    func testOtherSchemesAreReportedLowerCased() throws {
        XCTAssertEqual(try Location(parsing: "HTTPS://example.com/a.csv"), .other(scheme: "https", uri: "HTTPS://example.com/a.csv"))
        XCTAssertEqual(try Location(parsing: "gs://bucket").description, "gs://bucket")
        XCTAssertNil(try Location(parsing: "s3://b").localPath)
        XCTAssertEqual(Location.scheme(ofText: " File:///x"), "file")
        XCTAssertNil(Location.scheme(ofText: "relative/path"))
    }
}
