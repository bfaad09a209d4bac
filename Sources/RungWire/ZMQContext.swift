import CZeroMQ
import RungCore

/// One ZeroMQ context: the I/O thread(s) behind every socket created from it.
///
/// Sockets keep a strong reference to their context, so the context is terminated only
/// after its last socket is closed (STACK-NOTES: `zmq_ctx_term` blocks on open sockets).
/// The handle itself is thread-safe in libzmq, which is why this class may be shared.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// Creates a context with `ioThreads` libzmq I/O threads.
    public init(ioThreads: Int32 = 1) throws {
        guard let h = zmq_ctx_new() else {
            throw RungError.internalFailure("zmq_ctx_new failed: \(ZMQContext.lastError())")
        }
        zmq_ctx_set(h, ZMQ_IO_THREADS, ioThreads)
        handle = h
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// The ZeroMQ library version this build links, as "major.minor.patch".
    public static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }

    /// Whether this libzmq was built with CURVE security (libsodium).
    public static var hasCurve: Bool { zmq_has("curve") == 1 }

    static func lastError() -> String {
        String(cString: zmq_strerror(zmq_errno()))
    }
}
