/// A named axis of a result grid with one label per index (`layer` "0"…, `head` "0"…, `pos` with
/// the token text, `component` "embed", "0.3", "mlp1"…).
public struct ResultAxis: Codable, Equatable, Sendable {
  public var name: String
  public var labels: [String]

  public init(name: String, labels: [String]) {
    self.name = name
    self.labels = labels
  }

  public var count: Int { labels.count }

  /// An axis labelled 0, 1, …, count-1.
  public static func indexed(_ name: String, count: Int) -> ResultAxis {
    ResultAxis(name: name, labels: (0..<count).map(String.init))
  }
  public static func layers(_ count: Int) -> ResultAxis { indexed("layer", count: count) }
  public static func heads(_ count: Int) -> ResultAxis { indexed("head", count: count) }
  /// Positions labelled "index:token", e.g. "3: Mary".
  public static func positions(_ tokens: [String]) -> ResultAxis {
    ResultAxis(name: "pos", labels: tokens.enumerated().map { "\($0.offset):\($0.element)" })
  }
}
