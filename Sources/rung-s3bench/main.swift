// rung-s3bench: uploads one file to an S3 location with S3BlobStore, downloads it again
// and prints the throughput of each, for bench/s3/run.sh.
//
//   rung-s3bench FILE s3://bucket/prefix [KEY]
//
// The endpoint, region and credentials come from the environment like every S3 URI in
// rung (RUNG_S3_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ...).
// The download goes to FILE.rung-download and is removed afterwards.
import Foundation
import RungCore
import RungBlob

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: rung-s3bench FILE s3://bucket/prefix [KEY]\n".utf8))
    exit(64)
}
let file = URL(fileURLWithPath: arguments[1])
let key = arguments.count > 3 ? arguments[3] : file.lastPathComponent
do {
    let store = try openBlobStore(uri: arguments[2])
    let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.doubleValue ?? 0
    let download = file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".rung-download")
    try? FileManager.default.removeItem(at: download)
    let uploadStart = Date()
    try store.put(file, key: key)
    let uploadSeconds = Date().timeIntervalSince(uploadStart)
    let downloadStart = Date()
    try store.get(key, to: download)
    let downloadSeconds = Date().timeIntervalSince(downloadStart)
    try? FileManager.default.removeItem(at: download)
    func line(_ what: String, _ seconds: Double) -> String {
        String(format: "rung %@ %.0f bytes in %.2f s: %.1f MB/s\n", what, size, seconds, size / seconds / 1e6)
    }
    print(line("upload", uploadSeconds) + line("download", downloadSeconds), terminator: "")
} catch let error as RungError {
    FileHandle.standardError.write(Data("rung-s3bench: \(error.message)\n".utf8))
    exit(error.exitCode)
} catch {
    FileHandle.standardError.write(Data("rung-s3bench: \(error)\n".utf8))
    exit(70)
}
