import CZeroMQ

/// The libzmq socket option codes the worker sets, named in one place so no other worker
/// file touches the C module.
enum SocketOption {
    /// The DEALER's routing id (the worker's name), seen by the head's ROUTER.
    static let routingID = ZMQ_ROUTING_ID
    /// How long unsent messages are kept after close, in milliseconds.
    static let linger = ZMQ_LINGER
    /// The first reconnect delay, in milliseconds.
    static let reconnectInterval = ZMQ_RECONNECT_IVL
    /// The longest reconnect delay (exponential back-off cap), in milliseconds.
    static let reconnectIntervalMax = ZMQ_RECONNECT_IVL_MAX
    /// Queue messages only on completed connections (a send to an absent head fails at once).
    static let immediate = ZMQ_IMMEDIATE
    /// A send timeout, in milliseconds.
    static let sendTimeout = ZMQ_SNDTIMEO
    /// The outgoing queue limit, in messages.
    static let sendHighWaterMark = ZMQ_SNDHWM
    /// The incoming queue limit, in messages.
    static let receiveHighWaterMark = ZMQ_RCVHWM
}
