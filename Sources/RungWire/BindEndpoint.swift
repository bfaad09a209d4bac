import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// ZeroMQ resolves host names when it connects but not when it binds, where it reads a name
/// as a network interface (`tcp://localhost:7770` fails with "No such device"). A bind
/// endpoint goes through `BindEndpoint.resolve` first: a host name becomes its first IPv4
/// address; addresses, `*` and names that do not resolve (interfaces such as `eth0`) stay.
public enum BindEndpoint {
    /// `endpoint` with a resolvable host name replaced by its IPv4 address.
    public static func resolve(_ endpoint: String) -> String {
        guard endpoint.hasPrefix("tcp://") else { return endpoint }
        let rest = endpoint.dropFirst(6)
        guard let colon = rest.lastIndex(of: ":") else { return endpoint }
        let host = String(rest[..<colon])
        let port = rest[colon...]
        guard !host.isEmpty, host != "*", !host.hasPrefix("["), !isIPv4(host) else { return endpoint }
        guard let address = ipv4Address(of: host) else { return endpoint }
        return "tcp://" + address + port
    }

    private static func isIPv4(_ text: String) -> Bool {
        var addr = in_addr()
        return inet_pton(AF_INET, text, &addr) == 1
    }

    private static func ipv4Address(of host: String) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        guard let sockaddr = first.pointee.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        let ok = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer -> Bool in
            var address = pointer.pointee.sin_addr
            return inet_ntop(AF_INET, &address, &buffer, socklen_t(INET_ADDRSTRLEN)) != nil
        }
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }
}
