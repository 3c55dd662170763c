import Foundation

/// Parses the human units used in configuration values: durations and byte sizes.
public enum ConfigValueParser {
    /// Parses `500ms`, `30s`, `5m`, `1h30m`, `2d`; a bare number means seconds.
    ///
    /// - Returns: The duration, or nil when the text is not a duration.
    public static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(trimmed), seconds >= 0 { return .seconds(seconds) }
        var total: Duration = .zero
        var digits = ""
        var index = trimmed.startIndex
        var sawUnit = false
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if character.isASCII, character.isNumber {
                digits.append(character)
                index = trimmed.index(after: index)
                continue
            }
            var unit = ""
            while index < trimmed.endIndex, trimmed[index].isLetter {
                unit.append(trimmed[index])
                index = trimmed.index(after: index)
            }
            guard let amount = Int64(digits), let scale = unitScale[unit] else { return nil }
            total += scale * amount
            digits = ""
            sawUnit = true
        }
        return sawUnit && digits.isEmpty ? total : nil
    }

    private static let unitScale: [String: Duration] = [
        "ms": .milliseconds(1), "s": .seconds(1), "m": .seconds(60), "h": .seconds(3600), "d": .seconds(86_400),
    ]

    /// Parses `1048576`, `512KiB`, `10 MiB`, `1GB`, `64kb` into bytes (binary and decimal units).
    ///
    /// - Returns: The number of bytes, or nil when the text is not a size.
    public static func byteSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard let amount = Int(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let multipliers: [String: Int] = [
            "": 1, "b": 1, "k": 1024, "kib": 1024, "kb": 1000, "m": 1 << 20, "mib": 1 << 20, "mb": 1_000_000,
            "g": 1 << 30, "gib": 1 << 30, "gb": 1_000_000_000,
        ]
        guard let multiplier = multipliers[unit] else { return nil }
        let (product, overflow) = amount.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
