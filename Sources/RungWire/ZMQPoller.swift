import CZeroMQ
import RungCore

/// Waits for any of a fixed list of sockets to become readable (`zmq_poll`).
/// Like the sockets it polls, a poller belongs to one thread.
public struct ZMQPoller {
    private var sockets: [ZMQSocket]

    /// Polls `sockets` for input, in this order.
    public init(_ sockets: [ZMQSocket]) { self.sockets = sockets }

    /// Blocks up to `timeoutMilliseconds` (-1: forever) and returns the indices of the
    /// sockets that have a message waiting; empty on timeout or interruption.
    public func poll(timeoutMilliseconds: Int) throws -> [Int] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.rawHandle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let rc = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        if rc < 0 {
            if zmq_errno() == EINTR { return [] }
            throw RungError.internalFailure("zmq_poll failed: \(ZMQContext.lastError())")
        }
        return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
