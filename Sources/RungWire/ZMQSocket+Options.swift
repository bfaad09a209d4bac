import CZeroMQ

/// Socket options the head and workers set, named so that no target above RungWire needs
/// the C module.
extension ZMQSocket {
    /// A ROUTER reports a send to a peer it has no route to (instead of dropping it silently).
    public func setRouterMandatory(_ on: Bool) throws { try setOption(ZMQ_ROUTER_MANDATORY, Int32(on ? 1 : 0)) }

    /// How many messages may queue per peer in each direction before sends block or fail.
    public func setHighWaterMarks(send: Int32, receive: Int32) throws {
        try setOption(ZMQ_SNDHWM, send)
        try setOption(ZMQ_RCVHWM, receive)
    }
}
