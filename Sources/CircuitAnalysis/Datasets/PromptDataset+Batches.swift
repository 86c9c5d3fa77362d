extension PromptDataset {
  /// The dataset as batches the analyses run: pairs grouped by prompt length (a batch's rows must
  /// have one length), in order of first appearance, each row keeping its template name.
  public func batches(tokenText: (Int) -> String) throws -> [PromptPairBatch] {
    var order: [Int] = []
    var members: [Int: [PromptPair]] = [:]
    for pair in pairs {
      if members[pair.clean.count] == nil { order.append(pair.clean.count) }
      members[pair.clean.count, default: []].append(pair)
    }
    return try order.map { length in
      let group = members[length]!
      return try PromptPairBatch(
        clean: group.map(\.clean), corrupted: group.map(\.corrupted), answers: group.map(\.answer), wrongs: group.map(\.wrong),
        templates: group.map(\.template), tokenText: tokenText)
    }
  }

  /// The corrupted prompts as the reference distribution of mean and resample ablation (for IOI
  /// with ABC corruption, p_ABC), with their template names so means are taken per template.
  public func ablationReference() throws -> AblationReference {
    try AblationReference(tokens: corruptedIDs, templates: pairs.map(\.template), name: "\(name) corrupted prompts")
  }
}
