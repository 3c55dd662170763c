extension MediaInfo {
    /// The same JSON `JSONEncoder` writes for this type (absent values omitted, keys sorted),
    /// written directly: the journal stores one per event, on the hot path.
    public var jsonText: String {
        var members: [String] = []
        if let value = show { members.append("\"show\":" + JSONText.string(value)) }
        members.append("\"episodes\":[" + episodes.map(String.init).joined(separator: ",") + "]")
        members.append("\"guids\":" + guids.jsonText)
        if let value = library { members.append("\"library\":" + JSONText.string(value)) }
        if let value = ratingKey { members.append("\"ratingKey\":" + JSONText.string(value)) }
        if let value = season { members.append("\"season\":\(value)") }
        if let value = title { members.append("\"title\":" + JSONText.string(value)) }
        if let value = type { members.append("\"type\":" + JSONText.string(value.rawValue)) }
        if let value = year { members.append("\"year\":\(value)") }
        return "{" + members.sorted().joined(separator: ",") + "}"
    }
}

extension MediaGuids {
    var jsonText: String {
        let members = [("imdb", imdb), ("plex", plex), ("tmdb", tmdb), ("tvdb", tvdb)]
            .compactMap { key, value in value.map { "\"\(key)\":" + JSONText.string($0) } }
        return "{" + members.joined(separator: ",") + "}"
    }
}
