import CCurl
import Foundation
import RungCore

/// Downloads a URL to a file with libcurl (redirects followed, HTTP errors are failures).
enum HTTPDownloader {
    /// Fetches `url` into a new file at `destination`. Any failure is `RungError.unavailable`
    /// naming the URL; a partial file may be left for the caller to remove.
    static func download(_ url: String, to destination: URL) throws {
        guard let file = fopen(destination.path, "wb") else {
            throw RungError.unavailable("cannot create \(destination.path): \(String(cString: strerror(errno))).")
        }
        defer { fclose(file) }
        guard let handle = curl_easy_init() else {
            throw RungError.internalFailure("libcurl could not create a transfer handle.")
        }
        defer { curl_easy_cleanup(handle) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
            guard let data, let user else { return 0 }
            return fwrite(data, size, count, user.assumingMemoryBound(to: FILE.self)) * size
        }
        let code: CURLcode = url.withCString { cURL in
            errorBuffer.withUnsafeMutableBufferPointer { errors in
                _ = rung_curl_setopt_ptr(handle, CURLOPT_URL, cURL)
                _ = rung_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
                _ = rung_curl_setopt_long(handle, CURLOPT_FAILONERROR, 1)
                _ = rung_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                _ = rung_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 30)
                _ = rung_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
                _ = rung_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, 60)
                _ = rung_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
                _ = rung_curl_setopt_write(handle, write)
                _ = rung_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, UnsafeRawPointer(file))
                return curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else {
            var status = 0
            _ = rung_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let reason = status >= 400 ? "the server answered HTTP \(status)"
                : (detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
            throw RungError.unavailable("cannot download \(url): \(reason).")
        }
        guard fflush(file) == 0 else {
            throw RungError.unavailable("cannot write \(destination.path): \(String(cString: strerror(errno))).")
        }
    }
}
