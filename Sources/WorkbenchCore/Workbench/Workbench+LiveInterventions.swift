import CircuitAnalysis

// Temporary until the interventions branch lands: no interventions are active yet.
extension Workbench {
  public var activeInterventionHeads: [HeadIndex] { [] }
  func withActiveInterventions<R>(_ body: () throws -> R) throws -> R { try body() }
}
