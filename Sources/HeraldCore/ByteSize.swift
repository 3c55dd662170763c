/// Byte counts for people, in binary units with their proper names (`4 GiB`, `700 MiB`, `1.5 TiB`):
/// Foundation's formatter prints `GB` for binary multiples on Linux, which is off by 7 %.
public enum ByteSize {
    public static func text(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        let whole = rounded == rounded.rounded()
        return (whole || abs(rounded) >= 100 ? "\(Int(rounded.rounded()))" : "\(rounded)") + " " + units[unit]
    }
}
