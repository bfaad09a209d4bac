import Foundation
import RungCore
@testable import RungBlob
import XCTest

/// The signer against the worked examples AWS publishes ("Signature Calculations for the
/// Authorization Header: Transferring Payload in a Single Chunk" in the S3 API reference,
/// and the `get-vanilla` case of the SigV4 test suite), plus URL building.
final class S3SignerTests: XCTestCase {
    /// The example credentials of AWS's S3 examples (note `/bP`, as in those examples).
    let s3Example = S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    /// 2013-05-24T00:00:00Z, the timestamp of the S3 examples.
    let exampleDate = Date(timeIntervalSince1970: 1_369_353_600)
    let host = "examplebucket.s3.amazonaws.com"

    private func signature(_ authorization: String) -> String {
        String(authorization.split(separator: "=").last ?? "")
    }

    func testTimestampFormat() {
        XCTAssertEqual(SigV4Signer.amzDate(exampleDate), "20130524T000000Z")
        XCTAssertEqual(SigV4Signer.amzDate(Date(timeIntervalSince1970: 1_440_938_160)), "20150830T123600Z")
    }

    func testGetObjectExample() {
        let signer = SigV4Signer(region: "us-east-1")
        let headers = [("Host", host), ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash),
                       ("x-amz-date", "20130524T000000Z")]
        let authorization = signer.authorization(method: "GET", path: "/test.txt", query: [], headers: headers,
                                                 payloadHash: SigV4Signer.emptyPayloadHash, credentials: s3Example, date: exampleDate)
        XCTAssertEqual(authorization, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    func testPutObjectExample() {
        let signer = SigV4Signer(region: "us-east-1")
        let payloadHash = SigV4Signer.sha256Hex(Data("Welcome to Amazon S3.".utf8))
        XCTAssertEqual(payloadHash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let headers = [("Host", host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-date", "20130524T000000Z"),
                       ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", payloadHash)]
        let (canonical, signed) = signer.canonicalRequest(method: "PUT", path: "/test$file.text", query: [], headers: headers, payloadHash: payloadHash)
        XCTAssertTrue(canonical.hasPrefix("PUT\n/test%24file.text\n\n"), canonical)
        XCTAssertEqual(signed, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        let authorization = signer.authorization(method: "PUT", path: "/test$file.text", query: [], headers: headers,
                                                 payloadHash: payloadHash, credentials: s3Example, date: exampleDate)
        XCTAssertEqual(signature(authorization), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    func testGetBucketLifecycleExample() {
        let signer = SigV4Signer(region: "us-east-1")
        let headers = [("Host", host), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z")]
        let authorization = signer.authorization(method: "GET", path: "/", query: [("lifecycle", "")], headers: headers,
                                                 payloadHash: SigV4Signer.emptyPayloadHash, credentials: s3Example, date: exampleDate)
        XCTAssertEqual(signature(authorization), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    func testListObjectsExample() {
        let signer = SigV4Signer(region: "us-east-1")
        let headers = [("Host", host), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z")]
        // Given out of order: the canonical query sorts them.
        let authorization = signer.authorization(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: headers,
                                                 payloadHash: SigV4Signer.emptyPayloadHash, credentials: s3Example, date: exampleDate)
        XCTAssertEqual(signature(authorization), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    func testSigV4TestSuiteGetVanilla() {
        let signer = SigV4Signer(region: "us-east-1", service: "service")
        let credentials = S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let authorization = signer.authorization(method: "GET", path: "/", query: [],
                                                 headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
                                                 payloadHash: SigV4Signer.emptyPayloadHash, credentials: credentials,
                                                 date: Date(timeIntervalSince1970: 1_440_938_160))
        XCTAssertEqual(authorization, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    func testEncoding() {
        XCTAssertEqual(SigV4Signer.encode("a b+c/d~e", keepSlash: true), "a%20b%2Bc/d~e")
        XCTAssertEqual(SigV4Signer.encode("a/b=c&d", keepSlash: false), "a%2Fb%3Dc%26d")
        XCTAssertEqual(SigV4Signer.encode("ключ", keepSlash: false), "%D0%BA%D0%BB%D1%8E%D1%87")
        XCTAssertEqual(SigV4Signer.canonicalQuery([("uploads", ""), ("b", "2"), ("a", "x y")]), "a=x%20y&b=2&uploads=")
    }

    func testAddressingStylesAndSessionToken() throws {
        let credentials = S3Credentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: "TOKEN")
        let provider = S3StaticCredentialProvider(credentials)
        let operation = S3Operation(method: "GET", objectKey: "runs/a b.json")

        let aws = S3Client(configuration: try S3Configuration(uri: "s3://my-bucket/p", environment: ["AWS_REGION": "eu-west-1"]), credentials: provider)
        let virtual = try aws.signedRequest(operation, credentials: credentials, date: exampleDate)
        XCTAssertEqual(virtual.url, "https://my-bucket.s3.eu-west-1.amazonaws.com/runs/a%20b.json")
        XCTAssertTrue(virtual.headers.contains { $0.0 == "x-amz-security-token" && $0.1 == "TOKEN" })
        let authorization = try XCTUnwrap(virtual.headers.first { $0.0 == "Authorization" }?.1)
        XCTAssertTrue(authorization.contains("/20130524/eu-west-1/s3/aws4_request"), authorization)
        XCTAssertTrue(authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"), authorization)

        let custom = S3Client(configuration: try S3Configuration(uri: "s3://my-bucket/p", environment: ["RUNG_S3_ENDPOINT": "http://127.0.0.1:9000/"]), credentials: provider)
        XCTAssertEqual(try custom.signedRequest(operation, credentials: credentials).url, "http://127.0.0.1:9000/my-bucket/runs/a%20b.json")
        XCTAssertEqual(custom.configuration.region, "us-east-1")

        let forcedPath = S3Client(configuration: try S3Configuration(uri: "s3://my-bucket", environment: ["RUNG_S3_ADDRESSING": "path", "AWS_DEFAULT_REGION": "us-west-2"]), credentials: provider)
        XCTAssertEqual(try forcedPath.signedRequest(operation, credentials: credentials).url, "https://s3.us-west-2.amazonaws.com/my-bucket/runs/a%20b.json")

        let forcedVirtual = S3Client(configuration: try S3Configuration(uri: "s3://my-bucket", environment: ["RUNG_S3_ENDPOINT": "http://minio.local:9000", "RUNG_S3_ADDRESSING": "virtual"]), credentials: provider)
        XCTAssertEqual(try forcedVirtual.signedRequest(operation, credentials: credentials).url, "http://my-bucket.minio.local:9000/runs/a%20b.json")
    }

    func testBadURIsAndSettings() {
        for (uri, environment) in [("s3://ab/x", [String: String]()), ("s3://Upper/x", [:]), ("s3://bucket/../x", [:]),
                                   ("s3://bucket/x", ["RUNG_S3_ENDPOINT": "ftp://x"]), ("s3://bucket/x", ["RUNG_S3_ADDRESSING": "sideways"])] {
            XCTAssertThrowsError(try S3Configuration(uri: uri, environment: environment), uri) { error in
                XCTAssertEqual((error as? RungError)?.kind, .usage, "\(uri) \(environment)")
            }
        }
        let configuration = try? S3Configuration(uri: "s3://bucket//a/b/", environment: [:])
        XCTAssertEqual(configuration?.prefix, "a/b")
    }
}
