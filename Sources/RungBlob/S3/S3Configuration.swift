import Foundation
import RungCore

/// Where an `S3BlobStore` lives and how it talks to S3: bucket, key prefix, region,
/// endpoint, addressing style, retries, multipart sizes and timeouts.
public struct S3Configuration: Sendable, Equatable {
    /// The bucket name.
    public var bucket: String
    /// The key prefix every blob key is placed under, without leading or trailing `/`
    /// (empty for the bucket's root).
    public var prefix: String
    /// The region requests are signed for (`AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`).
    public var region: String
    /// A custom endpoint such as `http://127.0.0.1:5005` (`RUNG_S3_ENDPOINT`); nil for AWS.
    public var endpoint: String?
    /// Path-style or virtual-hosted URLs (`RUNG_S3_ADDRESSING`: `path`, `virtual` or `auto`).
    public var addressing: S3AddressingStyle
    /// Which failures are retried, how often and how fast.
    public var retry: S3RetryPolicy
    /// Files larger than this are uploaded in parts (default 16 MiB).
    public var multipartThreshold: Int64
    /// The size of each uploaded part (default 8 MiB; S3 requires at least 5 MiB).
    public var partSize: Int64
    /// How many parts are uploaded at once.
    public var partConcurrency: Int
    /// How many keys one ListObjectsV2 page asks for (S3's maximum is 1000).
    public var listPageSize: Int
    /// Seconds to wait for a connection.
    public var connectTimeout: Double
    /// A transfer that moves no byte for this many seconds is a timeout.
    public var stallTimeout: Int

    /// Creates a configuration; see the properties for the defaults.
    public init(bucket: String, prefix: String = "", region: String = "us-east-1", endpoint: String? = nil,
                addressing: S3AddressingStyle = .automatic, retry: S3RetryPolicy = S3RetryPolicy(),
                multipartThreshold: Int64 = 16 << 20, partSize: Int64 = 8 << 20, partConcurrency: Int = 4,
                listPageSize: Int = 1000, connectTimeout: Double = 5, stallTimeout: Int = 30) {
        self.bucket = bucket
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
        self.region = region
        self.endpoint = endpoint.map { var e = $0; while e.hasSuffix("/") { e.removeLast() }; return e }
        self.addressing = addressing
        self.retry = retry
        self.multipartThreshold = multipartThreshold
        self.partSize = max(5 << 20, partSize)
        self.partConcurrency = max(1, partConcurrency)
        self.listPageSize = min(1000, max(1, listPageSize))
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
    }

    /// Parses `s3://bucket/prefix` and reads `RUNG_S3_ENDPOINT` (or `AWS_ENDPOINT_URL_S3`),
    /// `RUNG_S3_ADDRESSING`, `AWS_REGION` and `AWS_DEFAULT_REGION` from `environment`.
    public init(uri: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let trimmed = uri.trimmingCharacters(in: .whitespaces)
        guard Location.isS3(trimmed) else {
            throw RungError.usage("\(trimmed) is not an S3 URI; write s3://bucket/prefix")
        }
        let rest = trimmed.dropFirst(5)
        let bucket = String(rest.prefix { $0 != "/" })
        let prefix = String(rest.dropFirst(bucket.count))
        try Self.validate(bucket: bucket, uri: trimmed)
        if prefix.split(separator: "/", omittingEmptySubsequences: true).contains(where: { $0 == "." || $0 == ".." }) {
            throw RungError.usage("S3 URI \(trimmed) has a . or .. path component; write s3://bucket/prefix")
        }
        func value(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let endpoint = value("RUNG_S3_ENDPOINT") ?? value("AWS_ENDPOINT_URL_S3")
        if let endpoint {
            guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  url.host != nil else {
                throw RungError.usage("RUNG_S3_ENDPOINT=\(endpoint) is not an http:// or https:// URL such as http://127.0.0.1:5005")
            }
        }
        var addressing = S3AddressingStyle.automatic
        if let style = value("RUNG_S3_ADDRESSING") {
            switch style.lowercased() {
            case "path": addressing = .path
            case "virtual", "virtual-hosted", "virtual_hosted": addressing = .virtualHosted
            case "auto": addressing = .automatic
            default: throw RungError.usage("RUNG_S3_ADDRESSING=\(style) is not one of path, virtual, auto")
            }
        }
        self.init(bucket: bucket, prefix: prefix, region: value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? "us-east-1",
                  endpoint: endpoint, addressing: addressing)
    }

    /// Checks S3's bucket naming rules (3–63 lower-case letters, digits, `.` and `-`).
    static func validate(bucket: String, uri: String) throws {
        let allowed = bucket.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
        guard (3...63).contains(bucket.count), allowed, bucket.first != "-", bucket.first != "." else {
            throw RungError.usage("S3 URI \(uri) names the bucket \"\(bucket)\"; bucket names are 3 to 63 lower-case letters, digits, dots and hyphens")
        }
    }

    /// The addressing style actually used.
    var effectiveAddressing: S3AddressingStyle {
        switch addressing {
        case .path, .virtualHosted: return addressing
        case .automatic: return endpoint != nil || bucket.contains(".") ? .path : .virtualHosted
        }
    }

    /// The scheme and host (with port) of the service endpoint.
    var baseURL: (scheme: String, host: String) {
        if let endpoint, let schemeEnd = endpoint.range(of: "://") {
            let scheme = String(endpoint[..<schemeEnd.lowerBound]).lowercased()
            let host = String(endpoint[schemeEnd.upperBound...].prefix { $0 != "/" })
            return (scheme, host)
        }
        return ("https", region == "us-east-1" ? "s3.amazonaws.com" : "s3.\(region).amazonaws.com")
    }

    /// The host header and the unencoded path of `objectKey` (empty for the bucket itself).
    func location(objectKey: String) -> (host: String, path: String, scheme: String) {
        let (scheme, host) = baseURL
        switch effectiveAddressing {
        case .virtualHosted:
            return ("\(bucket).\(host)", "/" + objectKey, scheme)
        default:
            return (host, "/\(bucket)" + (objectKey.isEmpty ? "" : "/" + objectKey), scheme)
        }
    }

    /// The endpoint as the user would recognise it in messages.
    var endpointDescription: String {
        let (scheme, host) = baseURL
        return "\(scheme)://\(host)"
    }
}
