/// A parsed line checked against its command's spec: known options only (a typo gets a "did you
/// mean"), the right number of positional values. Every error carries the command's usage.
struct CommandArguments {
  let line: ParsedLine
  let spec: CommandSpec

  init(_ line: ParsedLine) throws {
    let names = CommandCatalog.all.map(\.name)
    guard let spec = CommandCatalog.spec(named: line.name.text) else {
      _ = try line.name.choice(names, noun: "command")
      throw line.name.error("unknown command '\(line.name.text)'")
    }
    self.line = line
    self.spec = spec
    for option in line.options {
      let key = option.key!
      if !spec.options.contains(key.text) {
        do {
          _ = try key.choice(spec.options, noun: "option of \(spec.name)")
        } catch let error as CommandParseError {
          throw error.withUsage(spec.usage)
        }
      }
    }
    let count = line.positionals.count
    if !spec.positionals.contains(count) {
      let expected = spec.positionals.lowerBound == spec.positionals.upperBound ? "\(spec.positionals.lowerBound)" : "\(spec.positionals.lowerBound) to \(spec.positionals.upperBound)"
      let column = count > spec.positionals.upperBound ? line.positionals[spec.positionals.upperBound].column : nil
      throw line.error("\(spec.name) takes \(expected) value\(spec.positionals.upperBound == 1 ? "" : "s") without a key, got \(count)", column: column).withUsage(spec.usage)
    }
  }

  func positional(_ index: Int) -> LineToken? { index < line.positionals.count ? line.positionals[index] : nil }
  func option(_ key: String) -> LineToken? { line.option(key) }

  /// Runs `body`, adding the usage to a parse error it throws.
  func reading<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as CommandParseError { throw error.withUsage(spec.usage) }
  }

  /// A missing value the command needs.
  func missing(_ what: String) -> CommandParseError { line.error("\(spec.name) needs \(what)").withUsage(spec.usage) }
}
