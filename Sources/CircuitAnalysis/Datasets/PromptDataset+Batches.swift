extension PromptDataset {
  /// The dataset as one batch the analyses run (right-padded where prompts differ in length),
  /// each row keeping its template name for mean ablation per template.
  public func batch(tokenText: (Int) -> String) throws -> PromptPairBatch {
    try PromptPairBatch(clean: cleanIDs, corrupted: corruptedIDs, answers: answers, wrongs: wrongs,
                        templates: pairs.map(\.template), tokenText: tokenText)
  }

  /// The corrupted prompts as the reference distribution of mean and resample ablation (for IOI
  /// with ABC corruption, p_ABC), with their template names so means are taken per template.
  public func ablationReference() throws -> AblationReference {
    try AblationReference(tokens: corruptedIDs, templates: pairs.map(\.template), name: "\(name) corrupted prompts")
  }
}
