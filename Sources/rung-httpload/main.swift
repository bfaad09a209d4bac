// rung-httpload: a small HTTP/1.1 load generator for bench/serve (no wrk on the machines).
//
//   rung-httpload --url http://127.0.0.1:8080/predict --body rows.json --connections 16 \
//                 --seconds 10 [--rate 1000]
//
// Each connection is a thread with one keep-alive socket. Without --rate every connection
// sends its next request as soon as the answer arrives (saturation: requests/s). With
// --rate R the requests are scheduled at R per second overall, spread evenly over the
// connections, and each latency is measured from the request's scheduled time, so a server
// that falls behind is charged for the wait (no coordinated omission); requests still unsent
// a grace period (half the run, at least 2 s) after the end are counted as `unsent` and the
// rest of the run is abandoned. Prints one JSON object: requests, non-2xx answers, errors,
// unsent, seconds, requests_per_second (answers measured / seconds), p50/p90/p99/max (ms).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var host = "127.0.0.1"
    var port: UInt16 = 8080
    var path = "/"
    var body = Data()
    var connections = 8
    var seconds = 10.0
    var rate: Double?
    var warmup = 1.0
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst().makeIterator()
    while let a = args.next() {
        guard let v = args.next() else { fatalError("\(a) needs a value") }
        switch a {
        case "--url":
            guard let u = URL(string: v), let h = u.host, let p = u.port else { fatalError("--url must be http://HOST:PORT/PATH") }
            o.host = h
            o.port = UInt16(p)
            o.path = u.path.isEmpty ? "/" : u.path + (u.query.map { "?" + $0 } ?? "")
        case "--body": o.body = FileManager.default.contents(atPath: v) ?? { fatalError("cannot read \(v)") }()
        case "--connections": o.connections = Int(v)!
        case "--seconds": o.seconds = Double(v)!
        case "--rate": o.rate = Double(v)!
        case "--warmup": o.warmup = Double(v)!
        default: fatalError("unknown option \(a)")
        }
    }
    return o
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func connect(_ o: Options) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = o.port.bigEndian
    inet_pton(AF_INET, o.host, &addr.sin_addr)
    let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    if r != 0 { fatalError("cannot connect to \(o.host):\(o.port): \(String(cString: strerror(errno)))") }
    return fd
}

/// Sends one request and reads one answer; returns the status (0 on a broken connection).
func exchange(_ fd: Int32, _ request: [UInt8], _ buffer: inout [UInt8]) -> Int {
    var sent = 0
    while sent < request.count {
        let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { return 0 }
        sent += n
    }
    var have = 0
    var headerEnd = -1
    var total = -1
    while true {
        if have == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        let room = buffer.count - have
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + have, room, 0) }
        if n <= 0 { return 0 }
        have += n
        if headerEnd < 0, have >= 4 {
            for i in 0...(have - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                headerEnd = i + 4
                let head = String(decoding: buffer[0..<i], as: UTF8.self).lowercased()
                var length = 0
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
                total = headerEnd + length
                break
            }
        }
        if total >= 0, have >= total {
            let statusText = String(decoding: buffer[9..<12], as: UTF8.self)
            return Int(statusText) ?? 0
        }
    }
}

final class Results: @unchecked Sendable {
    let lock = NSLock()
    var latencies: [Double] = []
    var service: [Double] = []
    var delays: [Double] = []
    var non2xx = 0
    var errors = 0
    var unsent = 0
    func add(_ l: [Double], _ s: [Double], _ d: [Double], _ bad: Int, _ err: Int, _ u: Int) {
        lock.lock(); latencies += l; service += s; delays += d; non2xx += bad; errors += err; unsent += u; lock.unlock()
    }
}

let o = parseOptions()
var header = "POST \(o.path) HTTP/1.1\r\nHost: \(o.host):\(o.port)\r\nContent-Type: application/json\r\nContent-Length: \(o.body.count)\r\n\r\n"
let request = Array(header.utf8) + Array(o.body)
let results = Results()
let start = now() + 0.2
let measureFrom = start + o.warmup
let end = measureFrom + o.seconds
let grace = max(2.0, o.seconds / 2)
let group = DispatchGroup()
for c in 0..<o.connections {
    group.enter()
    let thread = Thread {
        let fd = connect(o)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var latencies: [Double] = []
        var service: [Double] = []
        var delays: [Double] = []
        var bad = 0, err = 0, unsent = 0
        var k = 0
        while now() < start {}
        while true {
            var scheduled = now()
            if let rate = o.rate {
                scheduled = start + (Double(c) + Double(k) * Double(o.connections)) / rate
                k += 1
                let wait = scheduled - now()
                if wait > 0 { usleep(useconds_t(wait * 1e6)) }
            }
            if scheduled >= end { break }
            // A server that cannot keep the rate is not waited for forever: what is still
            // unsent a grace period after the end counts as unsent (and the run as failing it).
            if let rate = o.rate, now() > end + grace {
                unsent += Int(((end - scheduled) * rate / Double(o.connections)).rounded(.up))
                break
            }
            let sentAt = now()
            let status = exchange(fd, request, &buffer)
            let done = now()
            if scheduled >= measureFrom {
                if status == 0 { err += 1; break }
                if status < 200 || status >= 300 { bad += 1 }
                latencies.append(done - scheduled)
                service.append(done - sentAt)
                delays.append(max(0, sentAt - scheduled))
            }
        }
        close(fd)
        results.add(latencies, service, delays, bad, err, unsent)
        group.leave()
    }
    thread.stackSize = 1 << 20
    thread.start()
}
group.wait()
let sorted = results.latencies.sorted()
/// A latency percentile in ms as JSON (`null` when nothing was answered).
func pct(_ p: Double, of values: [Double] = sorted) -> String {
    values.isEmpty ? "null" : String(values[min(values.count - 1, Int(Double(values.count) * p))] * 1000)
}
// From the send to the answer (without the wait before the send), and the wait itself: the
// client thread waking up late, or the previous answer on the same connection still due.
let service = results.service.sorted()
let delays = results.delays.sorted()
let fields: [String] = [
    "\"requests\": \(sorted.count)", "\"non_2xx\": \(results.non2xx)", "\"errors\": \(results.errors)", "\"unsent\": \(results.unsent)", "\"seconds\": \(o.seconds)",
    "\"requests_per_second\": \(Double(sorted.count) / o.seconds)", "\"connections\": \(o.connections)",
    "\"rate\": \(o.rate.map { String($0) } ?? "null")",
    "\"p50_ms\": \(pct(0.5))", "\"p90_ms\": \(pct(0.9))", "\"p99_ms\": \(pct(0.99))", "\"max_ms\": \(sorted.last.map { String($0 * 1000) } ?? "null")",
    "\"service_p50_ms\": \(pct(0.5, of: service))", "\"service_p99_ms\": \(pct(0.99, of: service))",
    "\"send_delay_p50_ms\": \(pct(0.5, of: delays))", "\"send_delay_p99_ms\": \(pct(0.99, of: delays))",
]
print("{" + fields.joined(separator: ", ") + "}")
