import Foundation

/// What is known of one item when cleanup rules are evaluated: its Plex data, its watch
/// statistics, and whether each source could be read this run.
public struct CleanupFacts: Sendable, Equatable {
    public var item: InventoryItem
    /// nil when Tautulli has no play of it (zero plays: a real value, and `last_watched` missing).
    public var watch: WatchStats?
    /// The item's section could not be listed this run: every field is unknown.
    public var inventoryUnknown: Bool
    /// Tautulli could not be read this run: every watch field is unknown.
    public var historyUnknown: Bool

    public init(
        item: InventoryItem, watch: WatchStats? = nil, inventoryUnknown: Bool = false, historyUnknown: Bool = false
    ) {
        self.item = item
        self.watch = watch
        self.inventoryUnknown = inventoryUnknown
        self.historyUnknown = historyUnknown
    }

    /// The value of a field: present, missing (known to be absent) or unknown.
    public func value(_ field: CleanupField) -> CleanupValue {
        if inventoryUnknown || (field.fromHistory && historyUnknown) { return .unknown }
        func date(_ value: Date?) -> CleanupValue { value.map(CleanupValue.date) ?? .missing }
        func number(_ value: Int?) -> CleanupValue { value.map { .number(Double($0)) } ?? .missing }
        func texts(_ values: [String?]) -> CleanupValue {
            let present = values.compactMap { $0 }
            return present.isEmpty ? .missing : .texts(present)
        }
        switch field {
        case .added: return date(item.addedAt)
        case .updated: return date(item.updatedAt)
        case .lastWatched: return date(watch?.lastWatched)
        case .lastPlayed: return date(watch?.lastPlayed)
        case .plays: return .number(Double(watch?.plays ?? 0))
        case .completedViews: return .number(Double(watch?.completed ?? 0))
        case .watchTime: return .number(Double(watch?.watchTime ?? 0))
        case .size: return .number(Double(item.size))
        case .year: return number(item.year)
        case .season: return number(item.season)
        case .episode: return number(item.episode)
        case .title: return texts([item.title])
        case .show: return texts([item.show])
        case .resolution: return texts(item.media.map(\.resolution))
        case .videoCodec: return texts(item.media.map(\.videoCodec))
        case .labels: return .texts(item.labels)
        case .collections: return .texts(item.collections)
        case .path: return .texts(item.files)
        case .hdr:
            let flags = item.media.map(\.hdr)
            if flags.contains(true) { return .flag(true) }
            return flags.isEmpty || flags.contains(nil) ? .missing : .flag(false)
        }
    }
}
