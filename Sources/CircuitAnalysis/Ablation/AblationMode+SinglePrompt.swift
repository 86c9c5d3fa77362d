import TransformerEngine

extension AblationMode {
  /// The replacement z of every layer for one prompt, [L] × [1,T,NH,HS]: zeros, or the mean (or a
  /// seeded draw) over the reference prompts of the prompt's length at each position (the prompt
  /// has no template, so every reference prompt of that length counts). What the workbench's
  /// active interventions write into `hook_z` on each pass; computed without any hooks of the
  /// caller, so call it before installing them.
  public func replacementZ(subject: AnalysisSubject, prompt: [Int]) throws -> [Tensor] {
    try replacementZ(subject: subject, prompts: [prompt], templates: nil)
  }
}
