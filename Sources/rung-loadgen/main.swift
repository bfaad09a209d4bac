// rung-loadgen: simulated workers against one `rung head`, for bench/head-load.
//
// Every simulated worker is a DEALER socket that says hello with one slot and "trains
// instantly": an assignment is answered at once with epoch reports up to the next milestone,
// where it waits for the head's decision (the latency measured), then goes on. Threads each
// own a share of the sockets and poll them together; nothing is shared between threads but
// the final counters.
//
//   rung-loadgen --head tcp://127.0.0.1:7770 --workers 1000 --threads 1 --seconds 20 \
//                [--submit sweep.yaml] [--warmup 3] [--epoch-ms 0]
//
// With --epoch-ms E each worker sends one report every E ms (an open-loop rate of
// workers × 1000/E reports/s) instead of answering at once.
//
// Prints one JSON document: reports sent per second, decisions, assignments, and the
// decision latency percentiles (milliseconds).
import CZeroMQ
import Foundation
import RungWire

/// Command-line options.
struct LoadOptions: Sendable {
    var head = "tcp://127.0.0.1:7770"
    var workers = 1000
    var threads = 1
    var seconds = 20.0
    var warmup = 3.0
    var submit: String?
    /// Milliseconds per simulated epoch and worker; 0 trains instantly (a closed loop at full speed).
    var epochMillis = 0.0

    init(arguments: [String]) {
        var i = 0
        func value() -> String {
            i += 1
            guard i < arguments.count else { fatalError("\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--head": head = value()
            case "--workers": workers = Int(value())!
            case "--threads": threads = Int(value())!
            case "--seconds": seconds = Double(value())!
            case "--warmup": warmup = Double(value())!
            case "--submit": submit = value()
            case "--epoch-ms": epochMillis = Double(value())!
            default: fatalError("unknown option \(arguments[i]); see the header of Sources/rung-loadgen/main.swift")
            }
            i += 1
        }
    }
}

/// Monotonic nanoseconds.
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// What one thread counted inside the measurement window.
struct ThreadStats: Sendable {
    var reports = 0
    var milestoneReports = 0
    var decisions = 0
    var assigns = 0
    var dones = 0
    var cancels = 0
    var welcomed = 0
    var latenciesNanos: [UInt64] = []
}

/// Collects every thread's counters (written once per thread, under a lock).
final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [ThreadStats] = []
    private var ready = 0
    func add(_ s: ThreadStats) { lock.lock(); all.append(s); lock.unlock() }
    func markReady(_ n: Int) { lock.lock(); ready += n; lock.unlock() }
    var readyCount: Int { lock.lock(); defer { lock.unlock() }; return ready }
    var stats: [ThreadStats] { lock.lock(); defer { lock.unlock() }; return all }
}

/// One simulated worker's state.
struct SimWorker {
    var trial: UInt64 = 0
    var epoch: UInt32 = 0
    var maxEpochs: UInt32 = 0
    var milestones: [UInt32] = []
    var waitingSince: UInt64 = 0
    var busy = false
    var welcomed = false
    var nextEpochAt: UInt64 = 0
    var lastSent: UInt64 = 0
    var rng: UInt64
}

func check(_ rc: Int32, _ what: String) {
    if rc != 0 { fatalError("\(what): \(String(cString: zmq_strerror(zmq_errno())))") }
}

func setInt(_ socket: UnsafeMutableRawPointer, _ option: Int32, _ value: Int32) {
    var v = value
    check(zmq_setsockopt(socket, option, &v, MemoryLayout<Int32>.size), "zmq_setsockopt \(option)")
}

func send(_ socket: UnsafeMutableRawPointer, _ message: WireMessage) -> Bool {
    let bytes = WireFormat.encode(message)
    return bytes.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, ZMQ_DONTWAIT) } >= 0
}

func receive(_ socket: UnsafeMutableRawPointer, into msg: inout zmq_msg_t) -> [UInt8]? {
    guard zmq_msg_recv(&msg, socket, ZMQ_DONTWAIT) >= 0 else { return nil }
    let size = zmq_msg_size(&msg)
    guard size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: zmq_msg_data(&msg)!.assumingMemoryBound(to: UInt8.self), count: size))
}

/// Sends epoch reports from the worker's current epoch on, until a milestone (then waits)
/// or the last epoch (then `done`); with `paced`, one epoch per call.
func train(_ w: inout SimWorker, socket: UnsafeMutableRawPointer, stats: inout ThreadStats, measuring: Bool,
           paced: Bool = false) {
    while w.epoch < w.maxEpochs {
        w.epoch += 1
        w.rng = w.rng &* 6364136223846793005 &+ 1442695040888963407
        let value = 0.5 + Double(w.rng >> 11) / Double(1 << 53) * 0.3 + Double(w.epoch) * 0.0001
        let milestone = w.epoch < w.maxEpochs && w.milestones.contains(w.epoch)
        let ok = send(socket, .epochReport(EpochReport(trialID: w.trial, epoch: w.epoch, seconds: 0.0001,
                                                       metrics: [WireMetric("val_auc", value), WireMetric("val_logloss", 1 - value)],
                                                       atMilestone: milestone)))
        if ok && measuring { stats.reports += 1 }
        w.lastSent = now()
        if milestone {
            w.waitingSince = now()
            if measuring { stats.milestoneReports += 1 }
            return
        }
        if paced && w.epoch < w.maxEpochs { return }
    }
    _ = send(socket, .done(TrialDone(trialID: w.trial, epoch: w.maxEpochs,
                                     metrics: [WireMetric("val_auc", 0.6), WireMetric("test_auc", 0.6)],
                                     checkpointURI: "")))
    if measuring { stats.dones += 1 }
    w.busy = false
}

/// One thread's simulated workers `range`, run until `end` (monotonic ns).
func runThread(options: LoadOptions, range: Range<Int>, context: UnsafeMutableRawPointer, collector: Collector,
               startMeasuring: @escaping @Sendable () -> UInt64, end: @escaping @Sendable () -> UInt64) {
    var sockets: [UnsafeMutableRawPointer] = []
    var workers: [SimWorker] = []
    for i in range {
        guard let s = zmq_socket(context, ZMQ_DEALER) else { fatalError("zmq_socket failed") }
        setInt(s, ZMQ_LINGER, 0)
        setInt(s, ZMQ_SNDHWM, 100_000)
        setInt(s, ZMQ_RCVHWM, 100_000)
        let id = Array("sim-\(i)".utf8)
        _ = id.withUnsafeBytes { zmq_setsockopt(s, ZMQ_ROUTING_ID, $0.baseAddress, $0.count) }
        check(zmq_connect(s, options.head), "zmq_connect \(options.head)")
        sockets.append(s)
        workers.append(SimWorker(rng: UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1))
        _ = send(s, .hello(WorkerHello(name: "sim-\(i)", host: "loadgen", slots: 1, families: ["xgboost", "command"])))
    }
    var items = sockets.map { zmq_pollitem_t(socket: $0, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
    var stats = ThreadStats()
    var msg = zmq_msg_t()
    zmq_msg_init(&msg)
    var welcomedCounted = 0
    var lastHeartbeat = now()
    var lastProgress = now()
    var progressReports = 0
    let pacing = UInt64(options.epochMillis * 1e6)
    while true {
        let t = now()
        if t >= end() && end() != 0 { break }
        let measuring = startMeasuring() != 0 && t >= startMeasuring()
        let rc = zmq_poll(&items, Int32(items.count), pacing > 0 ? 1 : 10)
        if rc < 0 { if zmq_errno() == EINTR { continue }; fatalError("zmq_poll failed") }
        if rc > 0 {
            for k in items.indices where items[k].revents & Int16(ZMQ_POLLIN) != 0 {
                let s = sockets[k]
                while let frame = receive(s, into: &msg) {
                    guard let message = try? WireFormat.decode(frame) else { continue }
                    switch message {
                    case .welcome:
                        if !workers[k].welcomed { workers[k].welcomed = true; welcomedCounted += 1; collector.markReady(1) }
                    case .assign(let a):
                        if measuring { stats.assigns += 1 }
                        workers[k].trial = a.trialID
                        workers[k].epoch = a.startEpoch
                        workers[k].maxEpochs = a.maxEpochs
                        workers[k].milestones = a.milestones
                        workers[k].busy = true
                        workers[k].waitingSince = 0
                        if pacing > 0 {
                            workers[k].nextEpochAt = now() + pacing
                        } else {
                            train(&workers[k], socket: s, stats: &stats, measuring: measuring)
                        }
                    case .decision(let d):
                        guard d.trialID == workers[k].trial, workers[k].waitingSince != 0 else { break }
                        let received = now()
                        if measuring && workers[k].waitingSince >= startMeasuring() {
                            stats.decisions += 1
                            stats.latenciesNanos.append(received - workers[k].waitingSince)
                        }
                        workers[k].waitingSince = 0
                        if d.verdict == .continue && pacing > 0 {
                            workers[k].nextEpochAt = received + pacing
                        } else if d.verdict == .continue {
                            train(&workers[k], socket: s, stats: &stats, measuring: measuring)
                        } else {
                            workers[k].busy = false
                        }
                    case .cancel(let id):
                        if id == workers[k].trial { workers[k].busy = false; workers[k].waitingSince = 0 }
                        if measuring { stats.cancels += 1 }
                    case .drain:
                        _ = send(s, .drain)
                    default:
                        break
                    }
                }
            }
        }
        if pacing > 0 {
            let t1 = now()
            for k in workers.indices where workers[k].busy && workers[k].waitingSince == 0 && workers[k].nextEpochAt <= t1 {
                train(&workers[k], socket: sockets[k], stats: &stats, measuring: measuring, paced: true)
                // Keep the schedule (no drift) unless far behind.
                workers[k].nextEpochAt = max(workers[k].nextEpochAt + pacing, t1)
            }
        }
        // Once a second, the first thread prints its own rate (the trend shows whether the
        // head slows down as the sweep grows).
        if range.lowerBound == 0 && measuring && now() - lastProgress >= 1_000_000_000 {
            let elapsed = Double(now() - lastProgress) / 1e9
            FileHandle.standardError.write(Data("thread 0: \(Int(Double(stats.reports - progressReports) / elapsed)) reports/s, \(stats.assigns) assigns so far\n".utf8))
            lastProgress = now()
            progressReports = stats.reports
        }
        // Heartbeats, so idle workers are not declared lost; a worker still waiting for its
        // welcome says hello again.
        let t2 = now()
        if t2 - lastHeartbeat > 500_000_000 {
            lastHeartbeat = t2
            for k in workers.indices where t2 - workers[k].lastSent > 500_000_000 {
                if workers[k].welcomed {
                    _ = send(sockets[k], .heartbeat(Heartbeat(running: workers[k].busy ? [workers[k].trial] : [])))
                } else {
                    _ = send(sockets[k], .hello(WorkerHello(name: "sim-\(range.lowerBound + k)", host: "loadgen", slots: 1,
                                                             families: ["xgboost", "command"])))
                }
                workers[k].lastSent = t2
            }
        }
    }
    zmq_msg_close(&msg)
    stats.welcomed = welcomedCounted
    for s in sockets { zmq_close(s) }
    collector.add(stats)
}

/// Submits a sweep config through the head's control requests and says how it went.
func submit(path: String, head: String) -> String {
    guard let yaml = try? String(contentsOfFile: path, encoding: .utf8) else { fatalError("cannot read \(path)") }
    do {
        let client = try HeadControlClient(endpoint: head, timeoutMillis: 120_000)
        return "sweep \(try client.send(SubmitSweepRequest(config: yaml, path: path)).sweep)"
    } catch {
        return "the head at \(head) did not take the sweep: \(error)"
    }
}

/// Shared, lock-protected start and end of the measurement window.
final class Window: @unchecked Sendable {
    private let lock = NSLock()
    private var start: UInt64 = 0
    private var stop: UInt64 = 0
    func set(start s: UInt64, end e: UInt64) { lock.lock(); start = s; stop = e; lock.unlock() }
    var startNanos: UInt64 { lock.lock(); defer { lock.unlock() }; return start }
    var endNanos: UInt64 { lock.lock(); defer { lock.unlock() }; return stop }
}

let options = LoadOptions(arguments: Array(CommandLine.arguments.dropFirst()))
guard let context = zmq_ctx_new() else { fatalError("zmq_ctx_new failed") }
zmq_ctx_set(context, ZMQ_IO_THREADS, Int32(max(1, options.threads)))
zmq_ctx_set(context, ZMQ_MAX_SOCKETS, Int32(options.workers + 64))
nonisolated(unsafe) let sharedContext = context
if let path = options.submit {
    FileHandle.standardError.write(Data("submit: \(submit(path: path, head: options.head))\n".utf8))
}
let collector = Collector()
let window = Window()
var threads: [Thread] = []
let perThread = (options.workers + options.threads - 1) / options.threads
let done = DispatchGroup()
for t in 0..<options.threads {
    let range = (t * perThread)..<min(options.workers, (t + 1) * perThread)
    let opts = options
    done.enter()
    let thread = Thread {
        runThread(options: opts, range: range, context: sharedContext, collector: collector,
                  startMeasuring: { window.startNanos }, end: { window.endNanos })
        done.leave()
    }
    thread.stackSize = 8 << 20
    threads.append(thread)
    thread.start()
}
// Wait until every worker is welcomed (at most 60 s), warm up, then measure.
let joinStart = now()
while collector.readyCount < options.workers && now() - joinStart < 60_000_000_000 { usleep(10_000) }
let joinSeconds = Double(now() - joinStart) / 1e9
let measureStart = now() + UInt64(options.warmup * 1e9)
window.set(start: measureStart, end: measureStart + UInt64(options.seconds * 1e9))
done.wait()
let all = collector.stats
let latencies = all.flatMap(\.latenciesNanos).sorted()
/// A latency percentile in ms, or null when there were no decisions (JSON has no NaN).
func percentile(_ p: Double) -> Any {
    guard !latencies.isEmpty else { return NSNull() }
    return Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1e6
}
let reports = all.reduce(0) { $0 + $1.reports }
let result: [String: Any] = [
    "workers": options.workers, "threads": options.threads, "seconds": options.seconds, "epoch_ms": options.epochMillis,
    "welcomed": all.reduce(0) { $0 + $1.welcomed }, "join_seconds": joinSeconds,
    "reports": reports, "reports_per_second": Double(reports) / options.seconds,
    "milestone_reports": all.reduce(0) { $0 + $1.milestoneReports },
    "decisions": latencies.count, "decisions_per_second": Double(latencies.count) / options.seconds,
    "assigns": all.reduce(0) { $0 + $1.assigns }, "dones": all.reduce(0) { $0 + $1.dones },
    "cancels": all.reduce(0) { $0 + $1.cancels },
    "decision_latency_ms": ["p50": percentile(0.5), "p90": percentile(0.9), "p99": percentile(0.99),
                            "max": latencies.last.map { Double($0) / 1e6 } ?? NSNull()] as [String: Any],
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
print(String(decoding: json, as: UTF8.self))
zmq_ctx_term(context)
