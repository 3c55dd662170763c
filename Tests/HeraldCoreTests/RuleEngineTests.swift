import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@Suite struct RuleEngineTests {
    /// 2026-11-21 23:30 UTC is a Saturday.
    static let saturdayNight = Date(timeIntervalSince1970: 1_795_303_800)

    func event(
        kind: String = "sonarr.download", paths: [String] = ["/mnt/media/tv/Show/Season 01/Show - S01E02.mkv"],
        media: MediaInfo = MediaInfo(
            type: .episode, title: "Pilot", year: 2019, show: "Show", season: 1, episodes: [2, 3]),
        at date: Date = saturdayNight
    ) -> Event {
        Event(receivedAt: date, source: .sonarr, kind: kind, paths: paths, media: media, user: "alice", player: "TV")
    }

    func leaf(_ field: EventField, _ test: LeafTest) -> Condition { .leaf(Leaf(field: field, test: test)) }

    func rule(_ name: String, on: [String] = ["*"], _ condition: Condition, stop: Bool = false) throws -> Rule {
        Rule(
            name: name, on: try on.map { try KindPattern($0) }, condition: condition,
            actions: [.log(LogActionSpec(message: name))], stop: stop)
    }

    func holds(_ condition: Condition, _ event: Event) throws -> Bool {
        let engine = RuleEngine(rules: [try rule("r", condition)], timeZone: TimeZone(identifier: "UTC")!)
        return !engine.decisions(for: event).isEmpty
    }

    @Test func kindPatterns() throws {
        #expect(try KindPattern("sonarr.*").matches("sonarr.download"))
        #expect(try !KindPattern("sonarr.*").matches("radarr.download"))
        #expect(try KindPattern("*.download").matches("radarr.download"))
        #expect(try KindPattern("sonarr.download").matches("sonarr.download"))
        #expect(try !KindPattern("sonarr.download").matches("sonarr.downloads"))
        #expect(try KindPattern("fs.{created,moved}").matches("fs.moved"))
    }

    @Test func stringOperators() throws {
        let event = event()
        #expect(try holds(leaf(.show, .equals("Show")), event))
        #expect(try !holds(leaf(.show, .equals("show")), event))
        #expect(try holds(leaf(.title, .contains("PIL")), event), "contains ignores case")
        #expect(try holds(leaf(.user, .oneOf(["bob", "alice"])), event))
        #expect(try holds(leaf(.kind, .prefix("sonarr.")), event))
        #expect(try holds(leaf(.player, .suffix("V")), event))
        #expect(try holds(leaf(.title, .regex(try RegexPattern("^P.l"))), event))
        #expect(try holds(leaf(.mediaType, .equals("episode")), event))
        #expect(try holds(leaf(.source, .equals("sonarr")), event))
        #expect(try holds(leaf(.fileExtension, .oneOf(["mkv", "mp4"])), event))
    }

    @Test func pathOperatorsAreComponentWise() throws {
        let event = event()
        #expect(try holds(leaf(.path, .under(PathRoot("/mnt/media"))), event))
        #expect(try holds(leaf(.path, .under(PathRoot("/mnt/media/"))), event), "a trailing slash changes nothing")
        #expect(try !holds(leaf(.path, .under(PathRoot("/mnt/med"))), event), "/mnt/med is not a parent of /mnt/media")
        #expect(try holds(leaf(.path, .glob(try Glob("/mnt/**/*.mkv"))), event))
        #expect(try !holds(leaf(.path, .glob(try Glob("/mnt/*.mkv"))), event), "* does not cross /")
        #expect(try holds(leaf(.path, .glob(try Glob("**/Season ??/*.{mkv,mp4}"))), event))
        #expect(try holds(leaf(.path, .regex(try RegexPattern("S01E0[0-9]"))), event))
    }

    @Test func integerOperatorsOverSeveralEpisodes() throws {
        let event = event()
        #expect(try holds(leaf(.episode, .integerEquals(3)), event), "any episode of a multi-episode file")
        #expect(try holds(leaf(.season, .integerIn([1, 2])), event))
        #expect(try holds(leaf(.year, .lessThan(2020)), event))
        #expect(try !holds(leaf(.year, .lessThan(2019)), event))
        #expect(try holds(leaf(.year, .atMost(2019)), event))
        #expect(try holds(leaf(.year, .greaterThan(2018)), event))
        #expect(try holds(leaf(.year, .atLeast(2019)), event))
        #expect(try holds(leaf(.year, .between(2019, 2019)), event))
        #expect(try !holds(leaf(.year, .between(2020, 2030)), event))
    }

    @Test func missingValuesMatchOnlyExistsFalse() throws {
        let bare = event(media: MediaInfo())
        #expect(try !holds(leaf(.year, .lessThan(3000)), bare))
        #expect(try !holds(.not(leaf(.year, .exists(false))), bare))
        #expect(try holds(leaf(.year, .exists(false)), bare))
        #expect(try !holds(leaf(.show, .exists(true)), bare))
        #expect(try holds(leaf(.show, .exists(true)), event()))
    }

    @Test func timeOfDayAndWeekday() throws {
        let event = event()  // Saturday 23:30 UTC
        #expect(try holds(leaf(.time, .timeBetween(22 * 60, 6 * 60)), event), "wraps past midnight")
        #expect(try !holds(leaf(.time, .timeBetween(6 * 60, 22 * 60)), event))
        #expect(try holds(leaf(.weekday, .weekdayIn([6, 7])), event))
        let paris = RuleEngine(
            rules: [try rule("r", leaf(.weekday, .weekdayIn([7])))], timeZone: TimeZone(identifier: "Europe/Paris")!)
        #expect(!paris.decisions(for: event).isEmpty, "00:30 on Sunday in Paris")
    }

    @Test func treesAndShortCircuitFreeTraces() throws {
        let condition = Condition.all([
            leaf(.path, .under(PathRoot("/mnt/media"))),
            .any([leaf(.season, .integerEquals(9)), leaf(.show, .equals("Show"))]),
            .not(leaf(.fileExtension, .equals("part"))),
        ])
        let engine = RuleEngine(rules: [try rule("scan", on: ["sonarr.*"], condition)], timeZone: .gmt)
        let verdict = try #require(engine.explain(event()).first)
        #expect(verdict.outcome == .matched)
        #expect(verdict.trace.map(\.path) == ["if.all[0]", "if.all[1].any[0]", "if.all[1].any[1]", "if.all[2].not"])
        #expect(verdict.trace.map(\.result) == [true, false, true, false])
        #expect(verdict.trace[1].description.contains("season equals 9; saw [1] → false"))
    }

    @Test func stopEndsEvaluationAndDisabledRulesAreSkipped() throws {
        var disabled = try rule("disabled", leaf(.show, .exists(true)))
        disabled.enabled = false
        let rules = [
            disabled, try rule("first", leaf(.show, .exists(true)), stop: true), try rule("second", .all([])),
        ]
        let engine = RuleEngine(rules: rules, timeZone: .gmt)
        #expect(engine.decisions(for: event()).map(\.rule) == ["first"])
        let verdicts = engine.explain(event())
        #expect(verdicts[0].outcome == .skipped(reason: "disabled"))
        #expect(verdicts[1].outcome == .matched)
        #expect(verdicts[2].outcome == .skipped(reason: "an earlier rule 'first' matched with stop: true"))
    }

    @Test func ignoredEventsTriggerNothing() throws {
        var test = event(kind: "sonarr.test")
        test.ignoredReason = "test event from Sonarr"
        let engine = RuleEngine(rules: [try rule("all", .all([]))], timeZone: .gmt)
        #expect(engine.decisions(for: test).isEmpty)
    }

    @Test func globSyntaxErrors() {
        #expect(throws: Glob.SyntaxError.self) { try Glob("/tv/[abc") }
        #expect(throws: Glob.SyntaxError.self) { try Glob("/tv/{a,b") }
    }

    @Test func indexedDispatchAgreesWithTheTracedTreeOnNestedConditions() throws {
        let event = Event(
            source: .sonarr, kind: "sonarr.download", paths: ["/tv/Show/Season 1/e.mkv"],
            media: MediaInfo(type: .episode, title: "Pilot", show: "Show", season: 1, episodes: [1]))
        let yes = leaf(.show, .equals("Show"))
        let no = leaf(.season, .integerEquals(2))
        let conditions: [Condition] = [
            .all([]), .any([]), .not(.all([])), yes, no, .not(no),
            .all([yes, .any([no, .not(no)]), .not(.any([no, no]))]),
            .any([no, .all([yes, no]), .not(.not(no))]),
            .all([.any([.all([yes, .not(no)]), no]), .not(.all([yes, no])), yes]),
            .any([.not(yes), .all([.any([]), yes]), .all([.not(.any([])), .any([no, yes])])]),
        ]
        for condition in conditions {
            let engine = RuleEngine(rules: [try rule("r", condition)], timeZone: TimeZone(identifier: "UTC")!)
            let traced = engine.explain(event).first?.outcome == .matched
            #expect(!engine.decisions(for: event).isEmpty == traced, "\(condition)")
        }
    }

    @Test func indexedLeavesAgreeWithTheTracedTreeOnAwkwardText() throws {
        let titles: [String?] = [
            nil, "", "Pilot", "pilot", "Caf\u{E9}", "Cafe\u{301}", "\u{212A}elvin", "Kelvin", "Line\r\nBreak", "Line\r",
        ]
        let pathSets: [[String]] = [
            [], ["/tv/Show/e.mkv"], ["/tv-4k/Show/e.MKV", "/tv/Other/x.part"], ["\\\\nas\\tv\\Show\\e.mkv"], ["/tv"],
            ["/T\u{E9}l\u{E9}/S\u{E9}rie/e.mkv"], ["/Te\u{301}le\u{301}/e.mkv"],
        ]
        let operands = ["Pilot", "Caf\u{E9}", "Kelvin", "Line\r", "", "P", "ot", "e"]
        var leaves: [Condition] = [
            leaf(.title, .exists(true)), leaf(.title, .exists(false)), leaf(.path, .exists(true)),
            leaf(.season, .exists(false)), leaf(.episode, .integerIn([2, 5])), leaf(.year, .between(2000, 2020)),
            leaf(.season, .lessThan(2)), leaf(.season, .atLeast(1)), leaf(.episode, .greaterThan(2)),
            leaf(.episode, .atMost(1)), leaf(.year, .integerEquals(2019)),
            leaf(.fileExtension, .oneOf(["mkv", "part"])), leaf(.fileExtension, .equals("mkv")),
            leaf(.title, .oneOf(operands)), leaf(.title, .contains("ELV")),
        ]
        for operand in operands {
            leaves += [
                leaf(.title, .equals(operand)), leaf(.title, .prefix(operand)), leaf(.title, .suffix(operand)),
            ]
        }
        for root in ["/", "/tv", "/tv/", "/tv/Show", "//nas/tv", "/T\u{E9}l\u{E9}", "/Te\u{301}le\u{301}", "/t"] {
            leaves.append(leaf(.path, .under(PathRoot(root))))
        }
        // Compound conditions too: the rule index skips rules by their `all`/`any` structure.
        var compound: [Condition] = []
        var generator = SeededGenerator(seed: 42)
        func pick() -> Condition { leaves[Int(generator.next() % UInt64(leaves.count))] }
        for _ in 0..<150 {
            switch generator.next() % 5 {
            case 0: compound.append(.all([pick(), pick()]))
            case 1: compound.append(.any([pick(), pick()]))
            case 2: compound.append(.any([pick(), .all([pick(), pick()])]))
            case 3: compound.append(.all([.any([pick(), pick()]), .not(pick())]))
            default: compound.append(.any([.not(pick()), pick()]))
            }
        }
        compound += [.all([]), .any([]), .any([.all([]), pick()])]
        let rules = try (leaves + compound).enumerated().map { try rule("r\($0)", $1) }
        let engine = RuleEngine(rules: rules, timeZone: TimeZone(identifier: "UTC")!)
        var checked = 0
        for title in titles {
            for paths in pathSets {
                let event = Event(
                    source: .sonarr, kind: "sonarr.download", paths: paths,
                    media: MediaInfo(
                        type: .episode, title: title, year: 2019, show: "Show", season: 1, episodes: [2, 3]))
                let fast = Set(engine.decisions(for: event).map(\.rule))
                let traced = Set(engine.explain(event).filter { $0.outcome == .matched }.map(\.rule.name))
                #expect(fast == traced, "title \(String(reflecting: title)), paths \(paths)")
                checked += 1
            }
        }
        #expect(checked == titles.count * pathSets.count)
        // The cases the byte comparison must not get wrong on its own.
        let kelvin = Event(source: .sonarr, kind: "x", media: MediaInfo(title: "\u{212A}elvin"))
        #expect(try holds(leaf(.title, .equals("Kelvin")), kelvin), "canonically equivalent (Kelvin sign)")
        let combining = Event(source: .sonarr, kind: "x", media: MediaInfo(title: "Cafe\u{301}"))
        #expect(try !holds(leaf(.title, .prefix("Cafe")), combining), "the accent belongs to the last character")
        let crlf = Event(source: .sonarr, kind: "x", media: MediaInfo(title: "Line\r\nBreak"))
        #expect(try !holds(leaf(.title, .prefix("Line\r")), crlf), "\\r\\n is one character")
    }
}
