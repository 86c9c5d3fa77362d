import TransformerEngine

/// The receivers of a path-patching run (Wang et al. 2023, "Interpretability in the Wild",
/// section 3.1): the logits (the final residual stream, read by ln_final and the unembedding) or
/// chosen inputs of chosen heads, each the query, key or value input (`hook_q_input`,
/// `hook_k_input`, `hook_v_input`: TransformerLens's `use_split_qkv_input`).
public enum PathReceivers: Equatable, Sendable, CustomStringConvertible {
  case logits
  /// One or more (head, input) pairs, in the order given.
  case heads([PathReceiver])

  /// Parses `logits` or a comma list `L.H:q|k|v`, e.g. `2.1:q,3.0:k` (`L.H` alone means all
  /// three inputs of the head).
  public init(parsing text: String) throws {
    if text == "logits" {
      self = .logits
      return
    }
    var list: [PathReceiver] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
      let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 1 || parts.count == 2 else {
        throw AnalysisError.invalidArgument("receiver '\(item)' is not L.H:q|k|v (or logits)")
      }
      let head = try HeadIndex(parsing: parts[0])
      let inputs: [CircuitNode.HeadInput]
      if parts.count == 1 {
        inputs = CircuitNode.HeadInput.allCases
      } else {
        guard let input = CircuitNode.HeadInput(rawValue: parts[1]) else {
          throw AnalysisError.invalidArgument("receiver '\(item)': the input must be q, k or v, got '\(parts[1])'")
        }
        inputs = [input]
      }
      for input in inputs {
        let receiver = PathReceiver(head: head, input: input)
        if list.contains(receiver) { throw AnalysisError.invalidArgument("receiver \(receiver) is listed twice") }
        list.append(receiver)
      }
    }
    self = .heads(list)
  }

  /// `logits` or `2.1:q,3.0:k`: the text `init(parsing:)` reads, used in the result's kind.
  public var description: String {
    switch self {
    case .logits: return "logits"
    case .heads(let list): return list.map(\.description).joined(separator: ",")
    }
  }

  /// The receiver heads' inputs, empty for the logits.
  public var headInputs: [PathReceiver] {
    if case .heads(let list) = self { return list }
    return []
  }

  /// Checks every receiver head against the model.
  func check(_ subject: AnalysisSubject) throws {
    if case .heads(let list) = self {
      guard !list.isEmpty else { throw AnalysisError.invalidArgument("no receivers given: write logits or L.H:q|k|v,...") }
      for receiver in list { try subject.check(head: receiver.head) }
    }
  }

  /// Whether head `sender` can reach a receiver through the residual stream: every head reaches
  /// the logits; a head reaches a receiver head only from an earlier layer.
  func isReached(from sender: HeadIndex) -> Bool {
    switch self {
    case .logits: return true
    case .heads(let list): return list.contains { $0.head.layer > sender.layer }
    }
  }

  /// The params entry describing the receivers.
  var params: JSONValue {
    switch self {
    case .logits: return "logits"
    case .heads(let list): return .strings(list.map(\.description))
    }
  }
}

/// One input of one receiver head.
public struct PathReceiver: Hashable, Sendable, CustomStringConvertible {
  public let head: HeadIndex
  public let input: CircuitNode.HeadInput

  public init(head: HeadIndex, input: CircuitNode.HeadInput) {
    self.head = head
    self.input = input
  }

  public var description: String { "\(head):\(input.rawValue)" }

  /// The per-head input site this receiver reads, [B,T,NH,C].
  var site: HookSite {
    switch input {
    case .q: return .block(head.layer, .qInput)
    case .k: return .block(head.layer, .kInput)
    case .v: return .block(head.layer, .vInput)
    }
  }
}
