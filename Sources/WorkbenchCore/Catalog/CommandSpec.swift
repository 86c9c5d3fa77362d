/// One command of the catalog: its name, group, one-line summary, usage, the options it takes and
/// examples. The catalog is the single list that the executor, help and the README's command
/// reference read.
public struct CommandSpec: Sendable, Equatable {
  public let name: String
  public let group: String
  public let summary: String
  /// The syntax, e.g. `patch SWEEP [noising=yes] [normalise=yes]`.
  public let usage: String
  /// The `key=value` options it accepts.
  public let options: [String]
  /// How many positional values it takes.
  public let positionals: ClosedRange<Int>
  public let examples: [String]

  public init(name: String, group: String, summary: String, usage: String, options: [String] = [],
              positionals: ClosedRange<Int> = 0...0, examples: [String]) {
    self.name = name
    self.group = group
    self.summary = summary
    self.usage = usage
    self.options = options
    self.positionals = positionals
    self.examples = examples
  }
}
