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

    /// Every dataset rung knows by id.
    public static let builtin: [KnownDataset] = [uciDiabetes130]
}
