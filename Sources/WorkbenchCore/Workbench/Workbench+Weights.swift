import CircuitAnalysis
import Foundation

/// The `weights` command: what a head's weights can do on any prompt (issue 16). `ov` and `qk`
/// read a head's circuits in the vocabulary (Elhage et al. 2021; MAPS, Elhelo & Geva 2025),
/// `copy` scores copying and suppression for every head (Wang et al. 2023; McDougall et al. 2023;
/// Elhage's eigenvalue score), `composition` gives Elhage's Q/K/V-composition grid against random
/// matrices, `maps` a relation's MAPS scores, and `decompose` Franco & Crovella's sparse
/// decomposition of a head's attention on the prompt. `processed=yes` reads TransformerLens's
/// processed weights (fold_ln, center_writing_weights, center_unembed) instead of the raw ones.
extension Workbench {
  static let weightModes = ["ov", "qk", "copy", "composition", "maps", "decompose"]

  func weights(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    let mode = try a.reading { try a.positional(0)!.choice(Self.weightModes, noun: "weight analysis") }
    let processed = try a.reading { try a.option("processed")?.boolean() } ?? false
    // ov, qk and composition process the weights themselves (`processed` in their settings);
    // the others read a processed copy of the model.
    let subject = processed && ["copy", "maps", "decompose"].contains(mode) ? try m.subject.withProcessedWeights() : m.subject
    func head() throws -> HeadIndex {
      guard let token = a.positional(1) else { throw a.missing("a head: weights \(mode) L.H") }
      let head = try a.reading { try HeadIndex(parsingToken: token) }
      do { try subject.check(head: head) } catch { throw token.error("\(error)") }
      return head
    }
    var results: [AnalysisResult]
    switch mode {
    case "ov", "qk":
      var settings = HeadCircuitSettings(head: try head())
      settings.circuits = mode == "ov" ? [.ov] : [.qk, .qkPositional]
      settings.processed = processed
      settings.k = try a.reading { try a.option("k")?.integer(in: 1...subject.config.vocabularySize) } ?? settings.k
      settings.smallest = try a.reading { try a.option("smallest")?.boolean() } ?? false
      if try a.reading({ try a.option("embedding")?.choice(["maps", "token"], noun: "embedding") }) == "token" { settings.embedding = .tokenEmbedding }
      if let token = a.option("token") {
        settings.tokens = [try a.reading { try m.singleToken(token.text, role: "row token") }]
      } else if let prompt, try a.reading({ try a.option("rows")?.choice(["prompt", "salient"], noun: "rows") }) != "salient" {
        var seen = Set<Int>()
        settings.tokens = prompt.filter { seen.insert($0).inserted }
      }
      settings.positions = Array(0..<min(subject.config.contextLength, max(prompt?.count ?? 0, 16)))
      results = try HeadCircuitReport.run(subject: subject, settings: settings, progress: progress)
    case "copy":
      var settings = CopyScoreSettings()
      settings.scope = try a.reading { try a.option("scope")?.choice(["set", "vocabulary"], noun: "copy-score scope") } == "vocabulary" ? .fullVocabulary : .withinSet
      settings.topK = try a.reading { try a.option("k")?.integer(in: 1...subject.config.vocabularySize) } ?? settings.topK
      results = try TokenSetCopyScores.run(subject: subject, tokens: CopyTokenSet.names(tokenizer: m.tokenizer), setName: "single-token names",
                                           settings: settings, progress: progress)
      var eigen = WeightSettings()
      eigen.processed = processed
      results += try EigenCopyingReport.run(subject: m.subject, settings: eigen, progress: progress)
    case "composition":
      var settings = CompositionSettings()
      settings.processed = processed
      if let kind = a.positional(1) {
        settings.modes = [try a.reading { try CompositionMode(rawValue: kind.choice(CompositionMode.allCases.map(\.rawValue), noun: "composition"))! }]
      }
      settings.baselineSamples = try a.reading { try a.option("samples")?.integer(in: 1...100_000) } ?? settings.baselineSamples
      settings.seed = UInt64(try a.reading { try a.option("seed")?.integer(in: 0...Int.max) } ?? 0)
      results = try CompositionReport.run(subject: subject, settings: settings, progress: progress)
    case "maps":
      guard let name = a.positional(1) else { throw a.missing("a relation: \(TokenRelation.builtInNames.joined(separator: ", ")) or a file") }
      let relation: TokenRelation
      if TokenRelation.builtInNames.contains(name.text) {
        relation = try TokenRelation.builtIn(name.text, tokenizer: m.tokenizer)
      } else if FileManager.default.fileExists(atPath: name.text) {
        relation = try TokenRelationFile.read(URL(fileURLWithPath: name.text), tokenizer: m.tokenizer)
      } else {
        // Neither a built-in relation nor a file: the error lists the relations.
        relation = try TokenRelation.builtIn(try a.reading { try name.choice(TokenRelation.builtInNames, noun: "relation (and no such file)") }, tokenizer: m.tokenizer)
      }
      var settings = MAPSSettings()
      settings.topK = try a.reading { try a.option("k")?.integer(in: 1...subject.config.vocabularySize) }
      settings.dynamic = try a.reading { try a.option("dynamic")?.boolean() } ?? false
      let templates = settings.dynamic ? try MAPSPromptTemplate.standard(settings, tokenizer: m.tokenizer) : []
      results = try MAPSScores.run(subject: subject, relation: relation, templates: templates, settings: settings, progress: progress)
    default:  // decompose
      guard let prompt else { throw a.missing("a prompt first: prompt TEXT") }
      results = try SparseAttentionDecomposition.run(subject: subject, head: try head(), prompt: prompt, progress: progress)
    }
    for i in results.indices where results[i].params["processed"] == nil { results[i].params["processed"] = .bool(processed) }
    return .results(results)
  }
}
