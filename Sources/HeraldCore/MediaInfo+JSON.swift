extension MediaInfo {
    /// The same JSON `JSONEncoder` writes for this type (absent values omitted, keys sorted),
    /// written directly into one buffer: the journal stores one per event, on the hot path.
    public var jsonText: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192)
        JSONText.append(raw: "{\"episodes\":[", to: &bytes)
        for (index, episode) in episodes.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONText.append(raw: String(episode), to: &bytes)
        }
        JSONText.append(raw: "],\"guids\":", to: &bytes)
        guids.appendJSON(to: &bytes)
        // The remaining members in key order.
        func member(_ key: String, _ value: String?) {
            guard let value else { return }
            JSONText.append(raw: ",\"" + key + "\":", to: &bytes)
            JSONText.append(string: value, to: &bytes)
        }
        member("library", library)
        member("ratingKey", ratingKey)
        if let season { JSONText.append(raw: ",\"season\":" + String(season), to: &bytes) }
        member("show", show)
        member("title", title)
        member("type", type?.rawValue)
        if let year { JSONText.append(raw: ",\"year\":" + String(year), to: &bytes) }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension MediaGuids {
    func appendJSON(to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in [("imdb", imdb), ("plex", plex), ("tmdb", tmdb), ("tvdb", tvdb)] {
            guard let value else { continue }
            JSONText.append(raw: (first ? "\"" : ",\"") + key + "\":", to: &bytes)
            JSONText.append(string: value, to: &bytes)
            first = false
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
