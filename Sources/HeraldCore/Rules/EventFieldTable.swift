/// An event's field values laid out once per event for `ConditionProgram`: the text of every
/// string and path value in one byte array, integers in another, and per field the range of its
/// values, so a hundred rules test one event without copying or retaining anything.
struct EventFieldTable {
    typealias FieldIndex = UInt8

    /// One text value: `count` bytes at `start`; `plain` when byte equality is string equality.
    struct Span: Sendable {
        var start: Int32
        var count: Int32
        var plain: Bool
    }

    /// A set of fields, as bits of their indices.
    struct FieldSet: Sendable {
        private var bits: UInt32 = 0

        func contains(_ field: FieldIndex) -> Bool { bits & (1 << UInt32(field)) != 0 }

        mutating func insert(_ field: FieldIndex) { bits |= 1 << UInt32(field) }
    }

    static let fieldCount = EventField.allCases.count

    static func index(of field: EventField) -> FieldIndex {
        FieldIndex(EventField.allCases.firstIndex(of: field)!)
    }

    /// ASCII without carriage returns: Swift compares such strings byte for byte (no canonical
    /// equivalents, and `\r\n` is the only ASCII pair that forms one character).
    static func isPlain(_ bytes: some Sequence<UInt8>) -> Bool {
        !bytes.contains { $0 >= 0x80 || $0 == 0x0D }
    }

    private(set) var text: [UInt8] = []
    private(set) var spans: [Span] = []
    private(set) var integers: [Int] = []
    /// For field `f`: its values are `ranges[2f]..<ranges[2f+1]` of `spans` or `integers`.
    private(set) var ranges: [Int32]
    /// Fields whose every text value is plain.
    private(set) var plainFields = FieldSet()

    /// Lays out the `fields` of an event (other fields read as empty).
    init(_ values: EventFieldValues, fields: FieldSet) {
        ranges = Array(repeating: 0, count: 2 * Self.fieldCount)
        let event = values.event
        text.reserveCapacity(256)
        for (position, field) in EventField.allCases.enumerated() where fields.contains(FieldIndex(position)) {
            let first = Int32(field.valueType == .string || field.valueType == .path ? spans.count : integers.count)
            var plain = true
            func add(_ value: String?) {
                guard let value else { return }
                let isPlain = Self.isPlain(value.utf8)
                plain = plain && isPlain
                spans.append(Span(start: Int32(text.count), count: Int32(value.utf8.count), plain: isPlain))
                text.append(contentsOf: value.utf8)
            }
            func addPath(_ path: String) {
                let start = text.count
                text.append(contentsOf: path.utf8)
                PathMatching.normalise(&text, from: start)
                let isPlain = Self.isPlain(text[start...])
                plain = plain && isPlain
                spans.append(Span(start: Int32(start), count: Int32(text.count - start), plain: isPlain))
            }
            func add(_ value: Int?) { if let value { integers.append(value) } }
            switch field {
            case .source: add(event.source.rawValue)
            case .kind: add(event.kind)
            case .path: for path in event.paths { addPath(path) }
            case .previousPath: for path in event.previousPaths { addPath(path) }
            case .fileExtension:
                for path in event.paths {
                    let start = text.count
                    guard PathMatching.appendFileExtension(of: path, to: &text) else { continue }
                    let isPlain = Self.isPlain(text[start...])
                    plain = plain && isPlain
                    spans.append(Span(start: Int32(start), count: Int32(text.count - start), plain: isPlain))
                }
            case .mediaType: add(event.media.type?.rawValue)
            case .title: add(event.media.title)
            case .show: add(event.media.show)
            case .year: add(event.media.year)
            case .season: add(event.media.season)
            case .episode: integers += event.media.episodes
            case .user: add(event.user)
            case .player: add(event.player)
            case .library: add(event.media.library)
            case .endpoint: add(event.endpoint)
            case .time, .weekday:
                if case .integers(let list) = values.values(of: field) { integers += list }
            }
            let isText = field.valueType == .string || field.valueType == .path
            ranges[2 * position] = first
            ranges[2 * position + 1] = Int32(isText ? spans.count : integers.count)
            if plain { plainFields.insert(FieldIndex(position)) }
        }
    }
}
