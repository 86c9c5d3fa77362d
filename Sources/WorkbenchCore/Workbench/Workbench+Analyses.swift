import CircuitAnalysis
import Foundation

/// The analysis commands: each reads the workbench's prompt, pair, answer and metric, runs one
/// `CircuitAnalysis` function and returns its results.
extension Workbench {
  /// The pair and answer as a batch; an error says which command to run first.
  func pairBatch(_ a: CommandArguments) throws -> (WorkbenchModel, PromptPairBatch) {
    let m = try loadedModel()
    guard let pair else { throw a.missing("a clean/corrupted pair first: pair clean=TEXT corrupted=TEXT") }
    guard let answer else { throw a.missing("the answer tokens first: answer TOKEN WRONG") }
    return (m, try PromptPairBatch(clean: pair.clean, corrupted: pair.corrupted, answer: answer.answer, wrong: answer.wrong, tokenText: m.subject.tokenText))
  }

  func promptTokens(_ a: CommandArguments) throws -> (WorkbenchModel, [Int]) {
    let m = try loadedModel()
    guard let prompt else { throw a.missing("a prompt first: prompt TEXT") }
    return (m, prompt)
  }

  func sweepAndDirection(_ a: CommandArguments) throws -> (PatchingSweep, PatchDirection) {
    let name = try a.reading { try a.positional(0)!.choice(PatchingSweep.allCases.map(\.rawValue), noun: "sweep") }
    let noising = try a.reading { try a.option("noising")?.boolean() } ?? false
    return (PatchingSweep(rawValue: name)!, noising ? .noising : .denoising)
  }

  func patch(_ a: CommandArguments) throws -> CommandOutput {
    let (sweep, direction) = try sweepAndDirection(a)
    let normalise = try a.reading { try a.option("normalise")?.boolean() } ?? false
    let (m, pair) = try pairBatch(a)
    return .results([try ActivationPatching.sweep(sweep, subject: m.subject, pair: pair, metric: metric, direction: direction, normalise: normalise, progress: progress)])
  }

  func attribution(_ a: CommandArguments) throws -> CommandOutput {
    let (sweep, direction) = try sweepAndDirection(a)
    let beside = try a.reading { try a.option("beside")?.boolean() } ?? false
    let (m, pair) = try pairBatch(a)
    let result = beside
      ? try AttributionPatching.besidePatching(sweep, subject: m.subject, pair: pair, metric: metric, direction: direction, progress: progress)
      : try AttributionPatching.sweep(sweep, subject: m.subject, pair: pair, metric: metric, direction: direction, progress: progress)
    return .results([result])
  }

  func ablate(_ a: CommandArguments) throws -> CommandOutput {
    if let output = try datasetAblationIfAsked(a) { return output }
    let (m, prompt) = try promptTokens(a)
    guard let answer else { throw a.missing("the answer tokens first: answer TOKEN WRONG") }
    let group = try PromptPairBatch(clean: prompt, corrupted: prompt, answer: answer.answer, wrong: answer.wrong, tokenText: m.subject.tokenText)
    let modeName = try a.reading { try a.option("mode")?.choice(["zero", "mean", "resample"], noun: "ablation mode") } ?? "zero"
    let seed = UInt64(try a.reading { try a.option("seed")?.integer(in: 0...Int.max) } ?? 0)
    var mode = AblationMode.zero
    if modeName != "zero" {
      guard let reference = a.option("reference") else { throw a.missing("reference=DATASET for mode=\(modeName)") }
      let count = try a.reading { try a.option("count")?.integer(in: 1...100_000) } ?? 200
      let dataset = try PromptDataset.named(reference.text, count: count, seed: seed, tokenizer: m.tokenizer)
      let ref = try dataset.ablationReference()
      mode = modeName == "mean" ? .mean(ref) : .resample(ref, seed: seed)
    }
    let positions = try a.reading { try a.option("positions")?.positionList().resolve(count: prompt.count) }
    let target = a.positional(0)!
    if target.text == "each" {
      return .results([try HeadAblation.eachHead(subject: m.subject, groups: [group], metric: metric, mode: mode, positions: positions, progress: progress)])
    }
    let heads = try a.reading { try target.headPattern().resolve(layers: m.subject.layers, heads: m.subject.heads) }
    let result = try HeadAblation.heads(heads, subject: m.subject, groups: [group], metric: metric, mode: mode, positions: positions, progress: progress)
    activate(heads, mode: modeName, seed: seed, positions: positions, a)
    return .results([result])
  }

  func lens(_ a: CommandArguments) throws -> CommandOutput {
    let (m, prompt) = try promptTokens(a)
    let top = try a.reading { try a.option("top")?.integer(in: 1...1000) } ?? 5
    let position = try a.reading { try a.option("position")?.integer(in: 0...(prompt.count - 1)) }
    return .results(try applyingInterventions(m, tokens: prompt) {
      try LogitLens.run(m.subject, tokens: prompt, answer: answer?.answer, position: position, topK: top)
    })
  }

  func directAttribution(_ a: CommandArguments) throws -> CommandOutput {
    let (m, prompt) = try promptTokens(a)
    guard let answer else { throw a.missing("the answer tokens first: answer TOKEN WRONG") }
    let position = try a.reading { try a.option("position")?.integer(in: 0...(prompt.count - 1)) }
    return .results(try applyingInterventions(m, tokens: prompt) {
      try DirectLogitAttribution.run(m.subject, tokens: prompt, answer: answer.answer, wrong: answer.wrong, position: position)
    })
  }

  func detect(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    let names = try a.reading { try a.line.positionals.map { try $0.choice(HeadDetector.allCases.map(\.rawValue), noun: "detector") } }
    let detectors = names.isEmpty ? HeadDetector.allCases : names.map { HeadDetector(rawValue: $0)! }
    let seed = UInt64(try a.reading { try a.option("seed")?.integer(in: 0...Int.max) } ?? 0)
    let measure = try a.reading { try a.option("measure")?.choice(PatternScoring.ErrorMeasure.allCases.map(\.rawValue), noun: "error measure") } ?? "mul"
    let count = try a.reading { try a.option("count")?.integer(in: 1...10_000) } ?? 10
    let length = try a.reading { try a.option("length")?.integer(in: 2...100_000) } ?? 25
    let bos = try a.reading { try a.option("bos")?.boolean() } ?? false
    let current = try a.reading { try a.option("current")?.boolean() } ?? true
    let embedding = try a.reading { try a.option("embedding")?.boolean() } ?? false
    let scoring = PatternScoring(errorMeasure: PatternScoring.ErrorMeasure(rawValue: measure)!, excludeBOS: !bos, excludeCurrentToken: !current)
    let inputs = try HeadDetectorInputs.standard(tokenizer: m.tokenizer, count: count, seed: seed, length: length, scoring: scoring, addingTokenEmbedding: embedding)
    var results = try HeadDetectors.run(m.subject, detectors: detectors, inputs: inputs, progress: progress)
    for i in results.indices { results[i].params["seed"] = .integer(Int(seed)) }
    return .results(results)
  }

  func relevance(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    let method = try a.reading { try a.option("method")?.choice(RelevanceMethod.allCases.map(\.rawValue), noun: "relevance method") } ?? "gradient"
    let clipping = try a.reading { try a.option("clipping")?.choice(HeadRelevance.Clipping.allCases.map(\.rawValue), noun: "clipping") } ?? "absolute"
    let weakening = try a.reading { try a.option("weakening")?.boolean() } ?? false
    let perPrompt = try a.reading { try a.option("prompts")?.boolean() } ?? false
    let dataset = try namedDataset(a, name: a.positional(0)!, defaultCount: 100)
    let shard = try shardOption(a)
    if shard != nil && weakening { throw a.line.error("weakening=yes ranks heads by the whole dataset's scores: run it unsharded (or on the merged scores)").withUsage(a.spec.usage) }
    let groups = [try dataset.batch(tokenText: m.subject.tokenText).sharded(shard)]
    var results = try HeadRelevance.scores(RelevanceMethod(rawValue: method)!, subject: m.subject, groups: groups, metric: metric, perPrompt: perPrompt, progress: progress)
    for i in results.indices { results[i].params["dataset"] = dataset.resultParams }
    if let shard { return try shardOutput(results, shard: shard) }
    let scores = results[0]
    // A cancelled run's scores are partial: nothing is derived from them.
    guard scores.complete else { return .results(results) }
    results.append(try HeadRelevance.relevanceVector(scores, clipping: HeadRelevance.Clipping(rawValue: clipping)!, concept: dataset.name))
    if weakening {
      var curves = try HeadRelevance.orderedWeakening(scores, subject: m.subject, groups: groups, metric: metric, progress: progress)
      curves.params["dataset"] = dataset.resultParams
      results.append(curves)
    }
    return .results(results)
  }
}
