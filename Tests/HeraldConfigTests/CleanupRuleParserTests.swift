import Foundation
import HeraldConfig
import HeraldCore
import Testing

@Suite struct CleanupRuleParserTests {
    func parse(_ yaml: String) throws(ConfigError) -> RuleSet {
        try RuleFileLoader.parseSet(yaml: yaml, file: "rules/cleanup.yml", knownServers: [])
    }

    @Test func movieAndShowRulesWithAggregatesExclusionsAndSafeDefaults() throws {
        let set = try parse(
            """
            - name: old unwatched films
              scope: movie
              every: 12h
              if:
                all:
                  - added: {older_than: 365d}
                  - last_watched: {missing: true}
                  - size: {gt: 4GiB}
              exclude: {labels: [keep], guids: ["plex://movie/1"], paths: [/mnt/media/kids/]}
              grace: 14d
              action: delete
            - name: abandoned shows
              scope: show
              if:
                - episodes: {max: last_watched, older_than: 180d}
                - episodes: {count: true, where: {last_watched: {missing: true}}, gte: 3}
              grace: 30d
              action: archive
              dry_run: false
              when_free_below: {path: /mnt/media, free: 10%}
              max_items: 20
              max_bytes: 500GiB
              order: least_recently_watched
            - name: an event rule beside them
              on: [sonarr.download]
              do: [log: {message: hi}]
            """)
        #expect(set.rules.map(\.name) == ["an event rule beside them"])
        let films = try #require(set.cleanup.first)
        #expect(films.scope == .movie && films.every == .seconds(43_200) && films.grace == .seconds(14 * 86_400))
        #expect(films.dryRun, "dry run unless switched off")
        #expect(films.exclusions.labels == ["keep"] && films.exclusions.paths == ["/mnt/media/kids"])
        #expect(
            films.condition
                == .all([
                    .leaf(.added, .olderThan(days: 365)), .leaf(.lastWatched, .missing(true)),
                    .leaf(.size, .greaterThan(4 * 1024 * 1024 * 1024)),
                ]))
        let shows = try #require(set.cleanup.last)
        #expect(!shows.dryRun && shows.action == .archive && shows.every == .seconds(86_400))
        #expect(shows.diskGate == DiskGate(path: "/mnt/media", threshold: .percent(10)))
        #expect(shows.budget == CleanupBudget(maxItems: 20, maxBytes: 500 << 30, order: .leastRecentlyWatched))
        #expect(films.diskGate == nil && films.budget == nil)
        #expect(
            shows.condition
                == .all([
                    .aggregate(.max, .lastWatched, filter: nil, .olderThan(days: 180)),
                    .aggregate(.count, nil, filter: .leaf(.lastWatched, .missing(true)), .atLeast(3)),
                ]))
    }

    /// The documented `in` takes a list for text fields, as it does in event rules.
    @Test func inTakesAListForTextFields() throws {
        let set = try parse(
            """
            - name: two titles
              scope: movie
              if: {title: {in: [Alpha, Bravo]}}
              grace: 7d
              action: archive
            """)
        let rule = try #require(set.cleanup.first)
        #expect("\(rule.condition)".contains("oneOf([\"Alpha\", \"Bravo\"])"))
    }

    @Test func unsafeOrAmbiguousRulesAreRefusedWithTheirLine() {
        do {
            _ = try parse(
                """
                - name: no grace
                  scope: movie
                  if: {added: {older_than: 90h}}
                  action: delete
                - name: show without aggregate
                  scope: show
                  if: {last_watched: {older_than: 90d}}
                  grace: 1d
                  action: delete
                - name: episodes on a movie
                  scope: movie
                  if: {episodes: {count: true, gte: 1}}
                  grace: 1d
                  action: delete
                - name: bad field
                  scope: episode
                  if: {watched: {missing: true}}
                  grace: 1d
                  action: remove
                """)
            Issue.record("expected problems")
        } catch {
            let messages = error.diagnostics.map(\.description)
            #expect(messages.contains { $0.hasPrefix("rules/cleanup.yml:1:") && $0.contains("needs 'grace'") })
            #expect(
                messages.contains {
                    $0.hasPrefix("rules/cleanup.yml:3:") && $0.contains("must be whole days, such as 90d")
                })
            #expect(messages.contains { $0.contains("must say how to combine 'last_watched' over episodes") })
            #expect(messages.contains { $0.contains("'episodes' applies to show and season rules only") })
            #expect(messages.contains { $0.contains("unknown field 'watched'") })
            #expect(messages.contains { $0.contains("action' must be one of 'archive', 'delete', not 'remove'") })
        }
    }

    @Test func cronSchedulesAndApprovalAreRead() throws {
        let set = try parse(
            """
            - name: nightly
              scope: movie
              cron: "30 3 * * mon-fri"
              if: {added: {older_than: 90d}}
              grace: 7d
              action: delete
              require_approval: true
            """)
        let rule = try #require(set.cleanup.first)
        #expect(rule.cron?.description == "30 3 * * mon-fri" && rule.cron?.weekdays == [1, 2, 3, 4, 5])
        #expect(rule.requiresApproval)
        let utc = TimeZone(identifier: "UTC")!
        // Saturday 2026-11-21 at noon: the next run is Monday 03:30.
        #expect(
            rule.nextRun(after: Date(timeIntervalSince1970: 1_795_262_400), zone: utc)
                == Date(timeIntervalSince1970: 1_795_404_600))
        do {
            _ = try parse(
                """
                - name: both
                  scope: movie
                  every: 1d
                  cron: "0 3 * * *"
                  if: {added: {older_than: 90d}}
                  grace: 7d
                  action: delete
                - name: bad
                  scope: movie
                  cron: "0 25 * * *"
                  if: {added: {older_than: 90d}}
                  grace: 7d
                  action: delete
                """)
            Issue.record("expected problems")
        } catch {
            let messages = error.diagnostics.map(\.description)
            #expect(messages.contains("rules/cleanup.yml:4:9: rule 'both': give 'every' or 'cron', not both"))
            #expect(messages.contains("rules/cleanup.yml:10:9: rule 'bad': cron hour '25' is not 0–23"), "\(messages)")
        }
    }
}
