import CZeroMQ

/// The ZeroMQ library version this build links, as "major.minor.patch".
public func zeroMQVersion() -> String {
    var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
    zmq_version(&major, &minor, &patch)
    return "\(major).\(minor).\(patch)"
}
