import Foundation
import Prometheus
import CoreMetrics
import RungCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prometheus' `/metrics` over plain HTTP/1.1 (docs/metrics.md): one thread accepts
/// connections on `ADDR` and answers `GET /metrics` with the registry in the Prometheus
/// text format; anything else gets 404. Requests are small and answered one at a time,
/// which is what a scraper does.
public final class MetricsEndpoint: @unchecked Sendable {
    /// The registry every rung series lives in.
    public let registry: PrometheusCollectorRegistry
    /// The address actually bound, `host:port` (with the real port when `:0` was asked).
    public let address: String
    private let socketFD: Int32
    // Guarded by `lock`.
    private let lock = NSLock()
    private var closed = false
    /// Called before each scrape is answered (to refresh gauges computed on demand).
    private let beforeScrape: (@Sendable () -> Void)?

    /// Binds `address` (`HOST:PORT`, `:PORT` for every interface, port 0 for any free port)
    /// and starts answering. Throws `RungError` naming the address when it cannot be bound.
    public init(address: String, registry: PrometheusCollectorRegistry, beforeScrape: (@Sendable () -> Void)? = nil) throws {
        self.registry = registry
        self.beforeScrape = beforeScrape
        let (host, port) = try Self.parse(address)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RungError.unavailable("cannot open a socket for the metrics endpoint \(address)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(port).bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            close(fd)
            throw RungError.usage("metrics address \(address): \(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw RungError.unavailable("cannot listen for metrics on \(address): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        self.address = "\(host):\(UInt16(bigEndian: actual.sin_port))"
        let thread = Thread { [self] in serve() }
        thread.name = "rung-metrics"
        thread.start()
    }

    deinit { stop() }

    /// `HOST:PORT` or `:PORT` → (host, port); throws a usage error naming the address.
    static func parse(_ address: String) throws -> (String, UInt16) {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw RungError.usage("metrics address \(address) must be HOST:PORT or :PORT (e.g. 127.0.0.1:9464)")
        }
        let host = String(address[..<colon])
        return (host.isEmpty ? "0.0.0.0" : (host == "localhost" ? "127.0.0.1" : host), port)
    }

    /// Stops accepting connections.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }

    private var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed
    }

    private func serve() {
        while !isClosed {
            let client = accept(socketFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            answer(client)
            close(client)
        }
    }

    /// Reads one request (up to the blank line, at most 8 KiB, 5 s) and answers it.
    private func answer(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 2048)
        while request.count < 8192 {
            let n = recv(client, &chunk, chunk.count, 0)
            if n <= 0 { break }
            request += chunk[0..<n]
            if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
            if request.firstRange(of: [13, 10, 13, 10]) != nil { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        let body: [UInt8]
        let status: String
        let type: String
        if line.count >= 2, line[0] == "GET", line[1] == "/metrics" || line[1].hasPrefix("/metrics?") {
            beforeScrape?()
            body = registry.emitToBuffer()
            status = "200 OK"
            type = "text/plain; version=0.0.4; charset=utf-8"
        } else {
            body = Array("rung serves Prometheus metrics at /metrics\n".utf8)
            status = "404 Not Found"
            type = "text/plain; charset=utf-8"
        }
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Routes swift-metrics (`Counter(label:)`, …) of any library in the process into
    /// `registry` too. Call once per process; later calls do nothing.
    public static func bootstrapMetricsSystem(_ registry: PrometheusCollectorRegistry) {
        bootstrapLock.lock()
        defer { bootstrapLock.unlock() }
        guard !bootstrapped else { return }
        bootstrapped = true
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(10), .milliseconds(100), .seconds(1), .seconds(10)]
        MetricsSystem.bootstrap(factory)
    }
    nonisolated(unsafe) private static var bootstrapped = false
    private static let bootstrapLock = NSLock()
}
