extension MediaInfo {
    /// The same JSON `JSONEncoder` writes for this type (absent values omitted, keys sorted),
    /// written directly into one string: the journal stores one per event, on the hot path.
    public var jsonText: String {
        var output = "{\"episodes\":["
        output.reserveCapacity(160)
        for (index, episode) in episodes.enumerated() {
            if index > 0 { output += "," }
            output += String(episode)
        }
        output += "],\"guids\":"
        guids.appendJSON(to: &output)
        // The remaining members in key order.
        func member(_ key: String, _ value: String?) {
            guard let value else { return }
            output += ",\"" + key + "\":"
            JSONText.append(string: value, to: &output)
        }
        member("library", library)
        member("ratingKey", ratingKey)
        if let season { output += ",\"season\":" + String(season) }
        member("show", show)
        member("title", title)
        member("type", type?.rawValue)
        if let year { output += ",\"year\":" + String(year) }
        return output + "}"
    }
}

extension MediaGuids {
    func appendJSON(to output: inout String) {
        output += "{"
        var first = true
        for (key, value) in [("imdb", imdb), ("plex", plex), ("tmdb", tmdb), ("tvdb", tvdb)] {
            guard let value else { continue }
            output += first ? "\"" + key + "\":" : ",\"" + key + "\":"
            JSONText.append(string: value, to: &output)
            first = false
        }
        output += "}"
    }
}
