/// A one-line text editor with a cursor: the `:` command line and the prompt editor.
public struct LineEditor: Equatable, Sendable {
  public private(set) var text: [Character]
  /// The cursor, 0...text.count.
  public private(set) var cursor: Int

  public init(_ text: String = "") {
    self.text = Array(text)
    cursor = self.text.count
  }

  public var string: String { String(text) }

  /// Applies an editing key; returns false for keys it does not handle.
  public mutating func handle(_ key: Key) -> Bool {
    switch key {
    case .character(let c):
      text.insert(c, at: cursor)
      cursor += 1
    case .backspace:
      guard cursor > 0 else { return true }
      text.remove(at: cursor - 1)
      cursor -= 1
    case .delete, .control("d"):
      if cursor < text.count { text.remove(at: cursor) }
    case .left, .control("b"): cursor = max(0, cursor - 1)
    case .right, .control("f"): cursor = min(text.count, cursor + 1)
    case .home, .control("a"): cursor = 0
    case .end, .control("e"): cursor = text.count
    case .control("u"):
      text.removeFirst(cursor)
      cursor = 0
    case .control("k"): text.removeLast(text.count - cursor)
    case .control("w"):
      var start = cursor
      while start > 0, text[start - 1] == " " { start -= 1 }
      while start > 0, text[start - 1] != " " { start -= 1 }
      text.removeSubrange(start..<cursor)
      cursor = start
    default: return false
    }
    return true
  }

  /// Replaces the text, cursor at the end.
  public mutating func set(_ string: String) {
    text = Array(string)
    cursor = text.count
  }
}

/// The `:` command line's history, newest last, with a browsing position.
public struct CommandHistory: Sendable {
  public private(set) var entries: [String] = []
  private var position: Int?

  public init() {}

  public mutating func add(_ line: String) {
    if entries.last != line, !line.isEmpty { entries.append(line) }
    position = nil
  }

  /// The previous (older) entry, or nil at the oldest.
  public mutating func older() -> String? {
    guard !entries.isEmpty else { return nil }
    let p = max(0, (position ?? entries.count) - 1)
    position = p
    return entries[p]
  }

  /// The next (newer) entry; "" past the newest.
  public mutating func newer() -> String? {
    guard let p = position else { return nil }
    if p + 1 >= entries.count {
      position = nil
      return ""
    }
    position = p + 1
    return entries[p + 1]
  }
}
