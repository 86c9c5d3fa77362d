/// One character cell of the screen: what it shows and its role.
public struct Cell: Equatable, Sendable {
  public var character: Character
  public var role: StyleRole

  public init(_ character: Character = " ", _ role: StyleRole = .text) {
    self.character = character
    self.role = role
  }
}
