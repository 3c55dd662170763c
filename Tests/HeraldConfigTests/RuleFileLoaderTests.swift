import Foundation
import HeraldConfig
import HeraldCore
import HeraldTestSupport
import Testing

@Suite struct RuleFileLoaderTests {
    func parse(_ yaml: String, servers: Set<String> = ["home"]) throws(ConfigError) -> [Rule] {
        try RuleFileLoader.parse(yaml: yaml, file: "rules/scan.yml", knownServers: servers)
    }

    func problems(_ yaml: String, servers: Set<String> = ["home"]) -> [String] {
        do {
            _ = try parse(yaml, servers: servers)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func aFullRuleLoads() throws {
        let rules = try parse(
            """
            - name: scan new media
              on: [sonarr.download, "radarr.*", fs.created]
              if:
                all:
                  - path: {under: /mnt/media}
                  - not: {path: {glob: "**/*.{part,tmp}"}}
                  - any:
                      - season: {gte: 1}
                      - media_type: {in: [movie]}
                  - time: {between: ["22:00", "06:00"]}
                  - weekday: {in: [sat, sun]}
              do:
                - scan: {server: home, wait: 30s, max_wait: 10m, priority: 5}
                - log: {message: "scanning", level: debug}
              stop: true
            """)
        #expect(rules.count == 1)
        let rule = rules[0]
        #expect(rule.name == "scan new media")
        #expect(rule.on.map(\.text) == ["sonarr.download", "radarr.*", "fs.created"])
        #expect(rule.stop)
        #expect(rule.location == SourceLocation(file: "rules/scan.yml", line: 1))
        #expect(
            rule.actions == [
                .scan(ScanActionSpec(servers: ["home"], wait: .seconds(30), maxWait: .seconds(600), priority: 5)),
                .log(LogActionSpec(message: "scanning", level: "debug")),
            ])
        guard case .all(let children) = rule.condition else {
            Issue.record("expected all")
            return
        }
        #expect(children.count == 5)
        #expect(
            children[3]
                == .leaf(
                    Leaf(
                        field: .time, test: .timeBetween(1320, 360),
                        location: SourceLocation(file: "rules/scan.yml", line: 10))))
    }

    @Test func aListUnderIfMeansAll() throws {
        let rules = try parse(
            "- name: r\n  on: '*'\n  if:\n    - show: {exists: true}\n    - year: {lt: 2000}\n  do: [log: {message: x}]\n"
        )
        guard case .all(let children) = rules[0].condition else {
            Issue.record("expected all")
            return
        }
        #expect(children.count == 2)
    }

    @Test func everyMistakeHasItsLine() {
        let found = problems(
            """
            - name: broken
              on: [sonarr.download]
              if:
                all:
                  - titel: {equals: x}
                  - year: {under: /tv}
                  - title: {regex: "(unclosed"}
                  - season: {between: [3, 1]}
                  - time: {between: ["25:00", "06:00"]}
                  - path: {under: /a, glob: "*"}
              do:
                - scan: {server: attic}
                - notify: {to: discord}
            - on: [x]
              do: [log: {message: m}]
            """)
        #expect(
            found == [
                "rules/scan.yml:5:9: rule 'broken': if.all[0]: unknown field 'titel' (fields: source, kind, path, previous_path, extension, media_type, title, show, year, season, episode, user, player, library, endpoint, time, weekday; or all, any, not)",
                "rules/scan.yml:6:16: rule 'broken': if.all[1].year: 'under' does not apply to year (integer); use one of equals, in, lt, lte, gt, gte, between, exists",
                "rules/scan.yml:7:24: rule 'broken': if.all[2].title.regex is not a valid regular expression: '(unclosed'",
                "rules/scan.yml:8:27: rule 'broken': if.all[3].season.between must be a list of two numbers, low then high, such as [1, 3]",
                "rules/scan.yml:9:25: rule 'broken': if.all[4].time.between must be two different times, such as [\"22:00\", \"06:00\"]",
                "rules/scan.yml:10:15: rule 'broken': if.all[5].path takes exactly one operator, such as {under: …}",
                "rules/scan.yml:12:22: rule 'broken': no Plex server named 'attic' in the configuration (configured: home)",
                "rules/scan.yml:13:20: rule 'broken': no notification channel named 'discord' (configured: none)",
                "rules/scan.yml:14:3: every rule needs a 'name'",
            ])
    }

    @Test func unknownRuleKeysAndMissingParts() {
        let found = problems("- name: r\n  onn: [x]\n")
        #expect(
            found.contains(
                "rules/scan.yml:1:3: rule 'r' needs 'on' (the event kinds it applies to, such as [sonarr.download, fs.*])"
            ))
        #expect(found.contains("rules/scan.yml:1:3: rule 'r' needs 'do' (the actions to take)"))
        #expect(found.contains("rules/scan.yml:2:3: unknown key 'rule #1.onn' (did you mean 'on'?)"))
    }

    @Test func aRulesFileMustBeAList() {
        #expect(
            problems("name: r\n") == [
                "rules/scan.yml:1:1: a rules file is a list of rules (each starting with '- name:')"
            ])
    }

    @Test func duplicateNamesAcrossFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("a.yml", "- name: same\n  on: ['*']\n  do: [log: {message: a}]\n")
        try directory.write("b.yaml", "- name: same\n  on: ['*']\n  do: [log: {message: b}]\n")
        try directory.write("notes.txt", "not a rule file")
        do {
            _ = try RuleFileLoader.load(directory: directory.path, knownServers: [])
            Issue.record("expected a duplicate")
        } catch {
            #expect(
                error.diagnostics.map(\.message) == ["rule name 'same' is already used at \(directory.path)/a.yml:1"])
        }
    }

    @Test func theExampleRulesInTheRepositoryLoad() throws {
        let directory = Fixtures.packageRoot.appendingPathComponent("rules").path
        let rules = try RuleFileLoader.load(
            directory: directory, knownServers: ["home"], knownChannels: ["discord", "family", "mail"],
            knownTemplates: NotifyActionSpec.builtInTemplates)
        #expect(!rules.isEmpty)
        #expect(rules.contains { $0.actions.contains { $0.name == "notify" } })
        let set = try RuleFileLoader.loadSet(
            directory: directory, knownServers: ["home"], knownChannels: ["discord", "family", "mail"],
            knownTemplates: NotifyActionSpec.builtInTemplates)
        #expect(set.cleanup.map(\.name) == ["films nobody watched in a year", "shows abandoned for six months"])
        #expect(set.cleanup.allSatisfy { $0.dryRun }, "the examples are previews")
        #expect(set.cleanup.last?.cron?.description == "0 4 * * sun")
    }
}
