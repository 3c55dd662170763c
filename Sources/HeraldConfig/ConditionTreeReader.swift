import Yams

/// Reads the `all` / `any` / `not` tree both kinds of rules share; a list is an `all`. Everything
/// else (a field test, `episodes`) is the caller's `leaf`, given the key, its node, the value and
/// the path for messages.
struct ConditionTreeReader<Condition> {
    let reader: ConfigReader
    /// The message's tail when a node is not a condition, such as "path: {under: /mnt}".
    let expected: String
    let all: ([Condition]) -> Condition
    let any: ([Condition]) -> Condition
    let not: (Condition) -> Condition
    let leaf: (_ key: String, _ keyNode: Node, _ value: Node, _ path: String) -> Condition?

    func read(_ node: Node, path: String) -> Condition? {
        if let list = node.sequence {
            return all(list.enumerated().compactMap { read($1, path: "\(path)[\($0)]") })
        }
        guard let mapping = node.mapping, mapping.count == 1, let (keyNode, value) = mapping.first,
            let key = keyNode.scalar?.string
        else {
            reader.error("\(path): a condition is one of \(expected)", at: node)
            return nil
        }
        switch key {
        case "all", "any":
            guard let list = value.sequence else {
                reader.error("\(path).\(key) takes a list of conditions", at: value)
                return nil
            }
            let children = list.enumerated().compactMap { read($1, path: "\(path).\(key)[\($0)]") }
            return key == "all" ? all(children) : any(children)
        case "not":
            return read(value, path: "\(path).not").map(not)
        default:
            return leaf(key, keyNode, value, path)
        }
    }
}
