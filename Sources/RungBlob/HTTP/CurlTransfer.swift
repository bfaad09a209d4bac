import CCurl
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP request for `CurlTransfer`: the method, URL, headers and where the body comes from.
struct HTTPRequest: Sendable {
    /// Where a request body comes from.
    enum Body: Sendable {
        /// No body (`Content-Length: 0` for PUT and POST).
        case none
        /// Bytes held in memory (small bodies: XML documents, IAM forms).
        case data(Data)
        /// `length` bytes of the file at `path` starting at `offset`, read as they are sent.
        case file(path: String, offset: Int64, length: Int64)

        /// The number of bytes the body holds.
        var length: Int64 {
            switch self {
            case .none: return 0
            case .data(let data): return Int64(data.count)
            case .file(_, _, let length): return length
            }
        }
    }

    var method: String
    var url: String
    var headers: [(String, String)] = []
    var body: Body = .none
    /// Seconds to wait for the TCP (and TLS) connection.
    var connectTimeout: Double = 5
    /// Seconds for the whole exchange, or nil for no limit (large transfers).
    var totalTimeout: Double? = nil
    /// A transfer slower than 1 byte/s for this many seconds is a timeout.
    var stallTimeout: Int = 30
    /// Whether redirects are followed (plain downloads do; S3 requests do not).
    var followRedirects = false
}

/// What came back: the status, the headers (names lower-cased; the last value wins) and,
/// unless a successful body went to a file, the body.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data
    /// Bytes written to the file sink (successful responses only).
    var bytesWritten: Int64 = 0
    /// SHA-256 of the bytes written to the file sink.
    var sha256: String? = nil
}

/// A transfer that did not produce an HTTP response.
enum HTTPTransferFailure: Error, Sendable {
    /// No connection could be made (refused, unresolvable host, connect timeout): worth retrying.
    case unreachable(String)
    /// The connection failed during the exchange (reset, cut short, stalled): worth retrying.
    case network(String)
    /// A local file could not be read or written: retrying does not help.
    case local(String)
}

/// Performs HTTP requests with libcurl easy handles taken from a small pool, so connections
/// are reused. A handle is used by one thread at a time: it is taken out of the pool under
/// the lock, used for one transfer, reset and put back; that rule is what makes the
/// `@unchecked Sendable` below sound.
final class CurlTransfer: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []
    private let maxIdle = 8

    init() {
        _ = Self.globalInit
    }

    deinit {
        for handle in idle { curl_easy_cleanup(handle) }
    }

    /// `curl_global_init` once per process (Swift runs a static initializer exactly once).
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    private func takeHandle() -> UnsafeMutableRawPointer? {
        lock.lock()
        let handle = idle.popLast()
        lock.unlock()
        return handle ?? curl_easy_init()
    }

    private func returnHandle(_ handle: UnsafeMutableRawPointer) {
        curl_easy_reset(handle)
        lock.lock()
        if idle.count < maxIdle {
            idle.append(handle)
            lock.unlock()
        } else {
            lock.unlock()
            curl_easy_cleanup(handle)
        }
    }

    /// Sends `request`. A 2xx body goes to the open file descriptor `sink` when given (and is
    /// hashed with SHA-256 on the way); any other body is kept in memory (at most 1 MiB).
    func perform(_ request: HTTPRequest, sink: Int32? = nil) throws -> HTTPResponse {
        guard let handle = takeHandle() else { throw HTTPTransferFailure.local("libcurl could not create a transfer handle") }
        defer { returnHandle(handle) }
        let context = TransferContext()
        context.sinkFD = sink ?? -1
        if sink != nil { context.hasher = SHA256() }
        switch request.body {
        case .none: break
        case .data(let data): context.uploadData = data
        case .file(let path, let offset, let length):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw HTTPTransferFailure.local("cannot read \(path): \(String(cString: strerror(errno)))") }
            guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
                close(fd)
                throw HTTPTransferFailure.local("cannot seek in \(path): \(String(cString: strerror(errno)))")
            }
            context.uploadFD = fd
            context.uploadRemaining = length
            context.uploadPath = path
        }
        defer { if context.uploadFD >= 0 { close(context.uploadFD) } }

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for (name, value) in request.headers {
            list = curl_slist_append(list, "\(name): \(value)")
        }
        // No "Expect: 100-continue" pause before bodies; no Accept header to confuse signing.
        list = curl_slist_append(list, "Expect:")
        list = curl_slist_append(list, "Accept:")
        defer { curl_slist_free_all(list) }

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        let user = unmanaged.toOpaque()
        let code: CURLcode = request.url.withCString { url in
            request.method.withCString { method in
                errorBuffer.withUnsafeMutableBufferPointer { errors in
                    _ = rung_curl_setopt_ptr(handle, CURLOPT_URL, url)
                    _ = rung_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                    if request.followRedirects { _ = rung_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1) }
                    _ = rung_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
                    if let total = request.totalTimeout {
                        _ = rung_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(total * 1000))
                    }
                    _ = rung_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
                    _ = rung_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, request.stallTimeout)
                    _ = rung_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
                    _ = rung_curl_setopt_headers(handle, list)
                    _ = rung_curl_setopt_header(handle, curlHeaderCallback)
                    _ = rung_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, user)
                    _ = rung_curl_setopt_write(handle, curlWriteCallback)
                    _ = rung_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, user)
                    switch request.method {
                    case "HEAD":
                        _ = rung_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
                    case "GET":
                        break
                    case "PUT", "POST":
                        _ = rung_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
                        _ = rung_curl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.length))
                        _ = rung_curl_setopt_read(handle, curlReadCallback)
                        _ = rung_curl_setopt_ptr(handle, CURLOPT_READDATA, user)
                        _ = rung_curl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, method)
                    default:
                        _ = rung_curl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, method)
                    }
                    return curl_easy_perform(handle)
                }
            }
        }
        if let localError = context.localError {
            throw HTTPTransferFailure.local(localError)
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            var connectMicroseconds: curl_off_t = 0
            _ = rung_curl_getinfo_off(handle, CURLINFO_CONNECT_TIME_T, &connectMicroseconds)
            switch code {
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
                throw HTTPTransferFailure.unreachable(text)
            case CURLE_OPERATION_TIMEDOUT where connectMicroseconds == 0:
                throw HTTPTransferFailure.unreachable(text)
            default:
                throw HTTPTransferFailure.network(text)
            }
        }
        var status = 0
        _ = rung_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let digest = context.hasher.map { $0.finalize().map { String(format: "%02x", $0) }.joined() }
        return HTTPResponse(status: status, headers: context.headers, body: context.body,
                            bytesWritten: context.bytesWritten, sha256: (200..<300).contains(status) ? digest : nil)
    }
}

/// The mutable state of one transfer, reached from libcurl's C callbacks through the
/// user-data pointer; only the thread running the transfer touches it.
private final class TransferContext {
    var status = 0
    var headers: [String: String] = [:]
    var body = Data()
    var sinkFD: Int32 = -1
    var hasher: SHA256?
    var bytesWritten: Int64 = 0
    var localError: String?
    var uploadData = Data()
    var uploadDataOffset = 0
    var uploadFD: Int32 = -1
    var uploadRemaining: Int64 = 0
    var uploadPath = ""
}

private let curlHeaderCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
    let total = size * count
    guard let data, let user else { return total }
    let context = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: total), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    if line.hasPrefix("HTTP/") {
        // A new status line (after a 100 Continue, say) starts a new set of headers.
        let parts = line.split(separator: " ")
        context.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        context.headers = [:]
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        context.headers[name] = value
    }
    return total
}

private let curlWriteCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
    let total = size * count
    guard let data, let user else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: total)
    if context.sinkFD >= 0, (200..<300).contains(context.status) {
        var written = 0
        while written < total {
            let n = write(context.sinkFD, data + written, total - written)
            if n < 0 {
                if errno == EINTR { continue }
                context.localError = "cannot write the download: \(String(cString: strerror(errno)))"
                return 0
            }
            written += n
        }
        context.hasher?.update(bufferPointer: bytes)
        context.bytesWritten += Int64(total)
    } else if context.body.count < 1 << 20 {
        context.body.append(contentsOf: bytes)
    }
    return total
}

private let curlReadCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { buffer, size, count, user in
    guard let buffer, let user else { return rung_curl_readfunc_abort() }
    let context = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
    let capacity = size * count
    if context.uploadFD >= 0 {
        let wanted = Int(min(Int64(capacity), context.uploadRemaining))
        if wanted == 0 { return 0 }
        while true {
            let n = read(context.uploadFD, buffer, wanted)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                context.localError = n == 0
                    ? "\(context.uploadPath) became shorter while it was being uploaded"
                    : "cannot read \(context.uploadPath): \(String(cString: strerror(errno)))"
                return rung_curl_readfunc_abort()
            }
            context.uploadRemaining -= Int64(n)
            return n
        }
    }
    let remaining = context.uploadData.count - context.uploadDataOffset
    let n = min(remaining, capacity)
    if n > 0 {
        context.uploadData.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + context.uploadDataOffset, byteCount: n)
        }
        context.uploadDataOffset += n
    }
    return n
}
