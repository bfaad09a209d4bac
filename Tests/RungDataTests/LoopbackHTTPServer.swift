import Foundation

/// A tiny HTTP/1.0 server on 127.0.0.1 for download tests: serves fixed bodies by path
/// (404 otherwise) on its own thread until stopped. Each request gets one response and
/// the connection is closed.
final class LoopbackHTTPServer: @unchecked Sendable {
    // The listening socket is only touched by the server thread after start, and by stop().
    private let listener: Int32
    let port: UInt16
    private let routes: [String: [UInt8]]
    private let lock = NSLock()
    private var served: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    init(routes: [String: [UInt8]]) throws {
        self.routes = routes
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        listener = fd
        port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// Paths requested so far.
    var requests: [String] {
        lock.lock(); defer { lock.unlock() }
        return served
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { break }
            var request = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !request.containsTerminator {
                let n = recv(client, &buffer, buffer.count, 0)
                if n <= 0 { break }
                request.append(contentsOf: buffer[0..<n])
            }
            let line = String(decoding: request, as: UTF8.self).split(separator: "\r\n").first ?? ""
            let parts = line.split(separator: " ")
            let path = parts.count > 1 ? String(parts[1]) : "/"
            lock.lock(); served.append(path); lock.unlock()
            var response: [UInt8]
            if let body = routes[path] {
                response = Array("HTTP/1.0 200 OK\r\nContent-Length: \(body.count)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8) + body
            } else {
                response = Array("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8)
            }
            var sent = 0
            while sent < response.count {
                let n = response[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            close(client)
        }
        finished.signal()
    }

    /// Stops accepting connections and waits for the server thread to end.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        _ = finished.wait(timeout: .now() + 5)
    }
}

private extension Array where Element == UInt8 {
    var containsTerminator: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 { return true }
        return false
    }
}
