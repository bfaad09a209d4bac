/// A dataset rung can find by id: where it lives inside a datasets directory, where to
/// download it from, and the SHA-256 the extracted CSV must have.
public struct KnownDataset: Sendable, Equatable {
    /// The id users write as a source (e.g. `uci-diabetes-130`).
    public var id: String
    /// Its path inside a datasets directory (e.g. `diabetes/diabetic_data.csv`).
    public var relativePath: String
    /// The download URL (a zip holding the CSV, possibly in a folder or a nested zip, or the CSV itself).
    public var url: String
    /// The SHA-256 of the CSV.
    public var sha256: String

    /// Creates a catalogue entry.
    public init(id: String, relativePath: String, url: String, sha256: String) {
        self.id = id
        self.relativePath = relativePath
        self.url = url
        self.sha256 = sha256
    }

    /// The environment variable that overrides the download URL,
    /// e.g. `RUNG_DATASET_URL_UCI_DIABETES_130`.
    public var urlEnvironmentKey: String {
        "RUNG_DATASET_URL_" + String(id.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// The CSV's file name.
    public var fileName: String { String(relativePath.split(separator: "/").last ?? Substring(relativePath)) }

    /// UCI "Diabetes 130-US hospitals for years 1999-2008" (CC BY 4.0).
    public static let uciDiabetes130 = KnownDataset(
        id: "uci-diabetes-130",
        relativePath: "diabetes/diabetic_data.csv",
        url: "https://archive.ics.uci.edu/static/public/296/diabetes+130-us+hospitals+for+years+1999-2008.zip",
        sha256: "0689e7ec031237dc63031b938805c48377748761a3b26acab621567afa24df97")

    /// UCI "Adult" (census income, CC BY 4.0): `adult.data` in its original format (no
    /// header, a space after every comma, `?` for missing).
    public static let uciAdult = KnownDataset(
        id: "uci-adult",
        relativePath: "adult/adult.data",
        url: "https://archive.ics.uci.edu/static/public/2/adult.zip",
        sha256: "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d")

    /// UCI "Heart Disease", the Cleveland part (CC BY 4.0): `processed.cleveland.data` in
    /// its original format (no header, `?` for missing, `num` 0–4).
    public static let uciHeartCleveland = KnownDataset(
        id: "uci-heart-cleveland",
        relativePath: "heart/processed.cleveland.data",
        url: "https://archive.ics.uci.edu/static/public/45/heart+disease.zip",
        sha256: "a74b7efa387bc9d108d7d0115d831fe9b414b29ae7124f331b622b4efa0427c8")

    /// Every dataset rung knows by id.
    public static let builtin: [KnownDataset] = [uciDiabetes130, uciAdult, uciHeartCleveland]
}
