import Foundation
import RungCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Downloads a URL to a file over the same libcurl wrapper as the S3 client (redirects
/// followed; an HTTP error status is a failure). Dataset downloads use it.
public enum HTTPDownload {
    /// The transfers of plain downloads (a pool apart from any S3 client's).
    private static let transfer = CurlTransfer()

    /// Fetches `url` into a new file at `destination`. Any failure is `RungError.unavailable`
    /// naming the URL; a partial file may be left for the caller to remove.
    public static func fetch(_ url: String, to destination: URL) throws {
        let fd = open(destination.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RungError.unavailable("cannot create \(destination.path): \(String(cString: strerror(errno))).")
        }
        defer { close(fd) }
        let response: HTTPResponse
        do {
            response = try transfer.perform(HTTPRequest(method: "GET", url: url, connectTimeout: 30, totalTimeout: nil,
                                                        stallTimeout: 60, followRedirects: true), sink: fd)
        } catch let failure as HTTPTransferFailure {
            switch failure {
            case .unreachable(let text), .network(let text), .local(let text):
                throw RungError.unavailable("cannot download \(url): \(text).")
            }
        }
        guard (200..<300).contains(response.status) else {
            throw RungError.unavailable("cannot download \(url): the server answered HTTP \(response.status).")
        }
        guard fsync(fd) == 0 else {
            throw RungError.unavailable("cannot write \(destination.path): \(String(cString: strerror(errno))).")
        }
    }
}
