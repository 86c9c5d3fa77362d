/// Wang et al.'s (2023) classes of IOI heads, in the order the report assigns them (a head that
/// meets several takes the first), from the logits backwards.
public enum IOIHeadClass: String, CaseIterable, Sendable {
  case nameMover = "name_mover"
  case negativeNameMover = "negative_name_mover"
  case backupNameMover = "backup_name_mover"
  case sInhibition = "s_inhibition"
  case induction
  case duplicateToken = "duplicate_token"
  case previousToken = "previous_token"

  /// The evidence columns (`IOIEvidence.Column`) the class is decided on, the first being the
  /// score its best candidate is chosen by (the most extreme in the class's direction).
  var evidence: [IOIEvidence.Column] {
    switch self {
    case .nameMover: return [.dlaFraction, .attentionEndIO, .copy]
    case .negativeNameMover: return [.dlaFraction, .attentionEndIO, .negativeCopy]
    case .backupNameMover: return [.dlaGainWithoutNameMovers, .attentionEndIO]
    case .sInhibition: return [.pathNameMoverQueries, .attentionEndS2]
    case .induction: return [.pathSInhibitionValues, .attentionS2S1Next]
    case .duplicateToken: return [.pathSInhibitionValues, .attentionS2S1]
    case .previousToken: return [.pathInductionKeys, .attentionS1NextS1]
    }
  }

  /// Whether the best candidate has the lowest first-evidence score (negative DLA, path effects).
  var bestIsLowest: Bool {
    switch self {
    case .nameMover, .backupNameMover: return false
    default: return true
    }
  }

  /// Whether a head with this evidence row meets the class's thresholds.
  func admits(_ e: [IOIEvidence.Column: Double], _ t: IOIThresholds) -> Bool {
    func v(_ c: IOIEvidence.Column) -> Double { e[c] ?? .nan }
    switch self {
    case .nameMover:
      return v(.dlaFraction) >= t.nameMoverDLA && v(.attentionEndIO) >= t.nameMoverAttention && v(.copy) >= t.nameMoverCopy
    case .negativeNameMover:
      return v(.dlaFraction) <= -t.negativeDLA && v(.attentionEndIO) >= t.nameMoverAttention && v(.negativeCopy) >= t.nameMoverCopy
    case .backupNameMover:
      return v(.dlaGainWithoutNameMovers) >= t.backupGain && v(.attentionEndIO) >= t.backupAttention
    case .sInhibition:
      return v(.pathNameMoverQueries) <= -t.pathEffect && v(.attentionEndS2) >= t.roleAttention
    case .induction:
      return v(.pathSInhibitionValues) <= -t.pathEffect && v(.attentionS2S1Next) >= t.roleAttention
    case .duplicateToken:
      return v(.pathSInhibitionValues) <= -t.pathEffect && v(.attentionS2S1) >= t.roleAttention
    case .previousToken:
      return v(.pathInductionKeys) <= -t.pathEffect && v(.attentionS1NextS1) >= t.roleAttention
    }
  }
}

extension IOIHeadClass {
  /// The class as the circuit views and DOT name it ("name mover", "s-inhibition"; see
  /// `CircuitDOT.classColors`).
  var displayName: String {
    switch self {
    case .nameMover, .negativeNameMover, .backupNameMover: return rawValue.replacingOccurrences(of: "_", with: " ")
    case .sInhibition: return "s-inhibition"
    case .induction: return "induction"
    case .duplicateToken: return "duplicate-token"
    case .previousToken: return "previous-token"
    }
  }

  /// Where the class's heads send their signal in Wang et al.'s circuit (Figure 2): the classes
  /// they write to, the receivers' input (nil: the logits) and the path-patching evidence that
  /// scores the edge.
  var target: (classes: [IOIHeadClass], input: CircuitNode.HeadInput?, score: IOIEvidence.Column) {
    switch self {
    case .nameMover, .negativeNameMover, .backupNameMover: return ([], nil, .pathLogits)
    case .sInhibition: return ([.nameMover, .negativeNameMover, .backupNameMover], .q, .pathNameMoverQueries)
    case .induction, .duplicateToken: return ([.sInhibition], .v, .pathSInhibitionValues)
    case .previousToken: return ([.induction], .k, .pathInductionKeys)
    }
  }
}
