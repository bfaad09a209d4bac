/// How a bucket appears in request URLs.
public enum S3AddressingStyle: String, Sendable, Equatable {
    /// `https://endpoint/bucket/key`: the default with a custom endpoint (moto, MinIO).
    case path
    /// `https://bucket.endpoint/key`: the default on AWS.
    case virtualHosted = "virtual"
    /// Path style with a custom endpoint or a bucket name with dots, else virtual-hosted.
    case automatic = "auto"
}
