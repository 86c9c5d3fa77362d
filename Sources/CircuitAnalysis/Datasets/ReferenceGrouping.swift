/// The pairs of a dataset grouped by template and prompt length, so that mean ablation can
/// average the reference (corrupted) activations per template and position: Wang et al. replace
/// a node with "its mean activation over p_ABC, computed per template", since averaging across
/// templates would mix different token roles at one position (papers.md section 3).
public struct ReferenceGrouping: Equatable, Sendable {
  /// One group per (template, length), in order of first appearance.
  public let groups: [ReferenceGroup]
  /// The index in `groups` of each pair's group.  [N]
  public let groupOfPair: [Int]

  public init(_ pairs: [PromptPair]) {
    var groups: [ReferenceGroup] = []
    var index: [ReferenceGroup.Key: Int] = [:]
    var groupOfPair: [Int] = []
    for (n, pair) in pairs.enumerated() {
      let key = ReferenceGroup.Key(template: pair.template, length: pair.corrupted.count)
      let g: Int
      if let existing = index[key] {
        g = existing
      } else {
        g = groups.count
        index[key] = g
        groups.append(ReferenceGroup(template: key.template, length: key.length, members: []))
      }
      groups[g].members.append(n)
      groupOfPair.append(g)
    }
    self.groups = groups
    self.groupOfPair = groupOfPair
  }

  /// The group of pair `n`.
  public func group(ofPair n: Int) -> ReferenceGroup { groups[groupOfPair[n]] }
}

/// Pairs that share a template and a prompt length: their reference prompts can be averaged
/// position by position.
public struct ReferenceGroup: Equatable, Sendable {
  public let template: String
  /// The prompts' length T, BOS included.
  public let length: Int
  /// Indices of the dataset's pairs in this group, ascending.
  public internal(set) var members: [Int]

  struct Key: Hashable {
    let template: String
    let length: Int
  }
}

extension PromptDataset {
  /// The pairs grouped by template and length, for mean ablation per template and position.
  public var referenceGrouping: ReferenceGrouping { ReferenceGrouping(pairs) }

  /// The reference (corrupted) prompts of one group, all of length `group.length`.  [members][T]
  public func referencePrompts(in group: ReferenceGroup) -> [[Int]] {
    group.members.map { pairs[$0].corrupted }
  }
}
