import Foundation
import HeraldTestSupport
import Testing

@testable import HeraldIngest

@Suite struct JSONValueTests {
    @Test func readsEveryKindOfValue() throws {
        let root = try JSONValue.parse(
            Data(
                #" {"s": "text", "i": -42, "f": 2.5, "e": 1e3, "t": true, "z": 0, "n": null, "a": [1, [2], {}], "o": {"k": "v"}} "#
                    .utf8))
        #expect(root.kind == .object)
        #expect(root["s"]?.string == "text")
        #expect(root["i"]?.int == -42)
        #expect(root["f"]?.double == 2.5)
        #expect(root["f"]?.int == nil)
        #expect(root["e"]?.int == 1000)
        #expect(root["t"]?.bool == true)
        #expect(root["t"]?.kind == .bool)
        #expect(root["t"]?.int == nil)
        #expect(root["z"]?.kind == .number)
        #expect(root["z"]?.bool == nil)
        #expect(root["n"]?.isNull == true)
        #expect(root["a"].map { $0.elements.map(\.kind) } == [.number, .array, .object])
        #expect(root["o"]?["k"]?.string == "v")
        #expect(root["missing"] == nil)
        #expect(root["s"]?["k"] == nil)
        #expect(root["i"]?.string == nil)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let root = try JSONValue.parse(
            Data(#"{"a\"b": "line\nbreak \u00e9 \ud83c\udfac \/ \\ \t", "plain": "Café 🎬"}"#.utf8))
        #expect(root[#"a"b"#]?.string == "line\nbreak é 🎬 / \\ \t")
        #expect(root["plain"]?.string == "Café 🎬")
    }

    @Test func integersThatOverflowAreNotInts() throws {
        let values = try JSONValue.parse(
            Data("[9223372036854775807, 9223372036854775808, -9223372036854775808, 9007199254740993]".utf8)
        ).elements
        #expect(values[0].int == Int.max)
        #expect(values[1].int == nil)
        #expect(values[2].int == Int.min)
        #expect(values[3].int == 9_007_199_254_740_993)
    }

    @Test func pathsNameWhereAValueSits() throws {
        let root = try JSONValue.parse(
            Data(#"{"series": {"path": 3}, "episodes": [{"title": "x"}, {"title": null}]}"#.utf8))
        #expect(root["series"]?["path"]?.path == "series.path")
        let episodes = try #require(root["episodes"]).elements
        #expect(episodes[1]["title"]?.path == "episodes[1].title")
        #expect(root.path == "")
    }

    @Test(arguments: ["", "{", #"{"a" 1}"#, "[1 2]", "{\n  \"a\": tru }", #"["a\x"]"#, "{} {}", "nope"])
    func syntaxErrorsAreRefusedWithAReason(text: String) {
        do throws(JSONValue.SyntaxError) {
            _ = try JSONValue.parse(Data(text.utf8))
            Issue.record("accepted: \(text)")
        } catch {
            #expect(!error.description.isEmpty)
        }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Data([0x22, 0x80, 0x22])) }
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Data([0x22, 0xE2, 0x82, 0x22])) }
        #expect(throws: Never.self) { try JSONValue.parse(Data([0x22, 0xF0, 0x9F, 0x8E, 0xAC, 0x22])) }
    }

    /// A nesting bomb is refused by the parser, not by a crashed stack.
    @Test func nestingIsLimited() throws {
        let depth = 512
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try JSONValue.parse(Data(deep.utf8)) }
        let bomb = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Data(bomb.utf8)) }
    }
}

@Suite struct LenientReadingTests {
    @Test func placeholdersEmptyTextAndSpacesAreAbsentEverythingElseIsKept() throws {
        let root = try JSONValue.parse(
            Data(
                #"""
                {"a": "{season_num}", "b": "", "c": "  ", "d": " {x} ", "e": "{not a placeholder}", "f": "Café",
                 "g": "\u00a0", "h": " padded ", "i": 12, "j": 2.5, "k": true, "l": null, "m": [], "n": "{}",
                 "o": "é{x}"}
                """#.utf8))
        let read = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o"].map {
            root.lenientString($0)
        }
        #expect(
            read == [
                nil, nil, nil, nil, "{not a placeholder}", "Café", nil, " padded ", "12", "2.5", "true", nil, nil, nil,
                "é{x}",
            ])
    }

    @Test func numbersMayArriveAsText() throws {
        let root = try JSONValue.parse(Data(#"{"a": "7", "b": " 8 ", "c": "x", "d": 3.0, "e": 0, "f": "{year}"}"#.utf8))
        #expect(["a", "b", "c", "d", "e", "f"].map { root.lenientInt($0) } == [7, 8, nil, 3, 0, nil])
        #expect(root.positiveInt("e") == nil)
    }
}
