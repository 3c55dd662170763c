import Foundation

/// A streaming `multipart/form-data` parser that keeps one part (and optionally a second, when it
/// is small enough) and only counts the others.
///
/// Plex posts a small JSON `payload` part and, for poster events, a `thumb` JPEG of up to several
/// megabytes. Feeding the body chunk by chunk keeps only the `payload` bytes and a tail no longer
/// than the boundary, so a large poster is never held in memory, let alone twice.
public struct MultipartParser: Sendable {
    public enum ParseError: Error, Equatable, Sendable {
        case malformed(String)
        case partTooLarge(name: String, limit: Int)
    }

    private enum State: Equatable {
        case preamble
        case afterDelimiter
        case headers
        case body
        case epilogue
    }

    private let delimiter: [UInt8]
    private let keep: String
    private let keepLimit: Int
    private var state = State.preamble
    private var buffer: [UInt8] = []
    private var currentName: String?
    private var parts: [String] = []
    /// The bytes of the kept part, once complete (nil while not seen).
    public private(set) var kept: [UInt8]?
    private var keptBytes: [UInt8] = []
    /// A second part kept only if it fits its limit (the poster): larger ones are dropped, not refused.
    private let optional: String?
    private let optionalLimit: Int
    /// The optional part's bytes, once complete and within its limit.
    public private(set) var keptOptional: [UInt8]?
    private var optionalBytes: [UInt8] = []
    private var optionalTooLarge = false

    /// - Parameters:
    ///   - boundary: The `boundary` parameter of the request's content type.
    ///   - keep: The name of the part to keep (`payload`).
    ///   - keepLimit: The largest size the kept part may have.
    ///   - optional: Another part to keep when it is at most `optionalLimit` bytes (`thumb`).
    public init(boundary: String, keep: String, keepLimit: Int, optional: String? = nil, optionalLimit: Int = 0) {
        self.delimiter = Array("\r\n--\(boundary)".utf8)
        self.keep = keep
        self.keepLimit = keepLimit
        self.optional = optional
        self.optionalLimit = optionalLimit
        // The first delimiter may open the body without a preceding line break.
        self.buffer = Array("\r\n".utf8)
    }

    /// The names of the parts seen so far, in order.
    public var partNames: [String] { parts }

    /// True once the closing delimiter was read.
    public var isComplete: Bool { state == .epilogue }

    /// Consumes the next chunk of the body.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(ParseError) {
        guard state != .epilogue else { return }
        buffer.append(contentsOf: chunk)
        var progressed = true
        while progressed { progressed = try step() }
    }

    /// Checks that the body ended properly; call after the last chunk.
    public func finish() throws(ParseError) {
        guard state == .epilogue else {
            throw .malformed(
                parts.isEmpty ? "no multipart parts found (wrong boundary?)" : "multipart body is truncated")
        }
    }

    private mutating func step() throws(ParseError) -> Bool {
        switch state {
        case .preamble:
            if let index = Self.find(delimiter, in: buffer) {
                buffer.removeFirst(index + delimiter.count)
                state = .afterDelimiter
                return true
            }
            if buffer.count > 64 * 1024 { throw .malformed("no multipart boundary in the first 64 KiB") }
            return false
        case .afterDelimiter:
            guard buffer.count >= 2 else { return false }
            if buffer[0] == UInt8(ascii: "-"), buffer[1] == UInt8(ascii: "-") {
                state = .epilogue
                buffer.removeAll()
                return false
            }
            // Transport padding (spaces, tabs) may follow a delimiter before its line break.
            let padding = buffer.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.count
            guard buffer.count >= padding + 2 else { return false }
            guard buffer[padding] == UInt8(ascii: "\r"), buffer[padding + 1] == UInt8(ascii: "\n") else {
                throw .malformed("multipart delimiter is not followed by a line break")
            }
            buffer.removeFirst(padding + 2)
            state = .headers
            return true
        case .headers:
            guard let end = Self.find(Array("\r\n\r\n".utf8), in: buffer) else {
                if buffer.count > 16 * 1024 { throw .malformed("multipart part headers longer than 16 KiB") }
                return false
            }
            let headerText = String(decoding: buffer[..<end], as: UTF8.self)
            buffer.removeFirst(end + 4)
            guard let name = Self.partName(headerText) else {
                throw .malformed("multipart part without a Content-Disposition name")
            }
            currentName = name
            parts.append(name)
            state = .body
            return true
        case .body:
            if let index = Self.find(delimiter, in: buffer) {
                try emit(buffer[..<index])
                buffer.removeFirst(index + delimiter.count)
                if currentName == keep, kept == nil { kept = keptBytes }
                if let optional, currentName == optional, keptOptional == nil, !optionalTooLarge {
                    keptOptional = optionalBytes
                }
                currentName = nil
                state = .afterDelimiter
                return true
            }
            let safe = buffer.count - (delimiter.count - 1)
            if safe > 0 {
                try emit(buffer[..<safe])
                buffer.removeFirst(safe)
            }
            return false
        case .epilogue:
            return false
        }
    }

    private mutating func emit(_ bytes: ArraySlice<UInt8>) throws(ParseError) {
        if let optional, currentName == optional, keptOptional == nil, !optionalTooLarge {
            if optionalBytes.count + bytes.count <= optionalLimit {
                optionalBytes.append(contentsOf: bytes)
            } else {
                optionalTooLarge = true
                optionalBytes = []
            }
            return
        }
        guard currentName == keep, kept == nil else { return }
        guard keptBytes.count + bytes.count <= keepLimit else { throw .partTooLarge(name: keep, limit: keepLimit) }
        keptBytes.append(contentsOf: bytes)
    }

    /// The `name` parameter of a part's `Content-Disposition: form-data; name="…"` header.
    static func partName(_ headers: String) -> String? {
        for line in headers.split(separator: "\r\n") {
            let pieces = line.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2, pieces[0].lowercased() == "content-disposition" else { continue }
            for parameter in pieces[1].split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "name" else {
                    continue
                }
                var value = pair[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                return value
            }
        }
        return nil
    }

    /// Index of the first occurrence of `needle` in `haystack`.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
