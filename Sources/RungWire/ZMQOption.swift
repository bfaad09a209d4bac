import CZeroMQ

/// The libzmq socket option codes the head, the workers and the clients set, named here so
/// that only RungWire imports the C module.
public enum ZMQOption {
    /// A DEALER's routing id (a worker's name), seen by the head's ROUTER.
    public static let routingID = ZMQ_ROUTING_ID
    /// How long unsent messages are kept after close, in milliseconds.
    public static let linger = ZMQ_LINGER
    /// The first reconnect delay, in milliseconds.
    public static let reconnectInterval = ZMQ_RECONNECT_IVL
    /// The longest reconnect delay (exponential back-off cap), in milliseconds.
    public static let reconnectIntervalMax = ZMQ_RECONNECT_IVL_MAX
    /// Queue messages only on completed connections (a send to an absent head fails at once).
    public static let immediate = ZMQ_IMMEDIATE
    /// A send timeout, in milliseconds.
    public static let sendTimeout = ZMQ_SNDTIMEO
    /// The outgoing queue limit, in messages.
    public static let sendHighWaterMark = ZMQ_SNDHWM
    /// The incoming queue limit, in messages.
    public static let receiveHighWaterMark = ZMQ_RCVHWM
}
