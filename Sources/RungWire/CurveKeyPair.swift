import CZeroMQ
import RungCore

/// A CURVE key pair: the public key peers are told about and the secret key that never
/// leaves its host.
public struct CurveKeyPair: Sendable, Equatable {
    /// The public half, shared with peers.
    public let publicKey: CurveKey
    /// The secret half, kept in a mode-0600 file.
    public let secretKey: CurveKey

    /// A fresh random key pair from libzmq (`zmq_curve_keypair`, libsodium).
    public static func generate() throws -> CurveKeyPair {
        guard ZMQContext.hasCurve else {
            throw RungError.internalFailure("this libzmq was built without CURVE (libsodium): keys cannot be generated")
        }
        var pub = [CChar](repeating: 0, count: 41)
        var sec = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&pub, &sec) == 0 else {
            throw RungError.internalFailure("zmq_curve_keypair failed: \(ZMQContext.lastError())")
        }
        return CurveKeyPair(publicKey: try CurveKey(z85: Self.text(pub), source: "zmq_curve_keypair"),
                            secretKey: try CurveKey(z85: Self.text(sec), source: "zmq_curve_keypair"))
    }

    /// The pair whose secret half is `secretKey` (the public half is derived from it).
    public init(secretKey: CurveKey) throws {
        var pub = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&pub, secretKey.z85) == 0 else {
            throw RungError.internalFailure("zmq_curve_public failed: \(ZMQContext.lastError())")
        }
        self.init(publicKey: try CurveKey(z85: Self.text(pub), source: "zmq_curve_public"), secretKey: secretKey)
    }

    private init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
