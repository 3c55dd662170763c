import Foundation
import HeraldCore
import Yams

/// Reads an operator's operand and checks it against the field's type.
struct LeafOperandParser {
    let reader: ConfigReader
    let path: String

    func test(_ name: String, _ node: Node, _ type: EventField.ValueType) -> LeafTest? {
        switch (name, type) {
        case ("exists", _):
            guard let text = scalar(node), let flag = ["true": true, "false": false][text.lowercased()] else {
                return fail("must be true or false", node)
            }
            return .exists(flag)
        case ("equals", .integer): return integer(node).map(LeafTest.integerEquals)
        case ("in", .integer): return integers(node).map(LeafTest.integerIn)
        case ("lt", _): return integer(node).map(LeafTest.lessThan)
        case ("lte", _): return integer(node).map(LeafTest.atMost)
        case ("gt", _): return integer(node).map(LeafTest.greaterThan)
        case ("gte", _): return integer(node).map(LeafTest.atLeast)
        case ("between", .integer):
            guard let pair = integers(node), pair.count == 2, pair[0] <= pair[1] else {
                return fail("must be a list of two numbers, low then high, such as [1, 3]", node)
            }
            return .between(pair[0], pair[1])
        case ("between", .timeOfDay):
            guard let list = node.sequence, list.count == 2,
                let start = list[0].scalar.flatMap({ ClockTime.minutes($0.string) }),
                let end = list[1].scalar.flatMap({ ClockTime.minutes($0.string) }), start != end
            else { return fail("must be two different times, such as [\"22:00\", \"06:00\"]", node) }
            return .timeBetween(start, end)
        case ("in", .weekday), ("equals", .weekday):
            let items = node.sequence.map(Array.init) ?? [node]
            var days: [Int] = []
            for item in items {
                guard let text = scalar(item),
                    let index = Weekday.names.firstIndex(of: String(text.lowercased().prefix(3)))
                else { return fail("weekdays are written mon, tue, wed, thu, fri, sat, sun", item) }
                days.append(index + 1)
            }
            return .weekdayIn(days)
        case ("in", _):
            guard let list = node.sequence else { return fail("must be a list", node) }
            let values = list.compactMap(scalar)
            return values.count == list.count ? .oneOf(values) : nil
        case ("equals", _): return scalar(node).map(LeafTest.equals)
        case ("contains", _): return scalar(node).map(LeafTest.contains)
        case ("prefix", _): return scalar(node).map(LeafTest.prefix)
        case ("suffix", _): return scalar(node).map(LeafTest.suffix)
        case ("under", _):
            guard let root = scalar(node), !root.isEmpty else { return fail("must be a folder path", node) }
            return .under(PathRoot(root))
        case ("glob", _):
            guard let pattern = scalar(node) else { return nil }
            do {
                return .glob(try Glob(pattern, separator: type == .path ? "/" : nil))
            } catch {
                return fail("\(error)", node)
            }
        case ("regex", _):
            guard let pattern = scalar(node) else { return nil }
            do {
                return .regex(try RegexPattern(pattern))
            } catch {
                return fail("is not a valid regular expression: '\(pattern)'", node)
            }
        default:
            return fail("unknown operator", node)
        }
    }

    private func fail(_ message: String, _ node: Node) -> LeafTest? {
        reader.error("\(path) \(message)", at: node)
        return nil
    }

    private func scalar(_ node: Node) -> String? { reader.string(node, path: path) }

    private func integer(_ node: Node) -> Int? {
        guard let text = scalar(node) else { return nil }
        guard let number = Int(text) else {
            reader.error("\(path) must be a whole number, not '\(text)'", at: node)
            return nil
        }
        return number
    }

    private func integers(_ node: Node) -> [Int]? {
        guard let list = node.sequence else {
            reader.error("\(path) must be a list of numbers", at: node)
            return nil
        }
        let numbers = list.compactMap(integer)
        return numbers.count == list.count ? numbers : nil
    }
}
