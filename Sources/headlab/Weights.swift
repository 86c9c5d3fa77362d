import ArgumentParser
import CircuitAnalysis
import WorkbenchCore

/// `headlab weights`: the weight analyses of heads (the catalog's `weights`).
struct Weights: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Read heads from their weights: OV and QK circuits in the vocabulary, copy scores, composition, MAPS relations, sparse attention decomposition.",
    discussion: """
      One of:
        --ov | --qk --head L.H [--token TEXT] [--top-k K]   top-k tokens each token maps to (OV: E'·W_V W_O·W_U, MAPS's E') or attends to (QK, and positional QK)
        --copy-scores [--scope set|vocabulary]               copy and negative-copy scores over the single-token names, and Elhage's eigenvalue copying score
        --composition [q|k|v]                                Elhage's composition scores of every earlier head into every later head, beside random matrices
        --maps RELATION|FILE [--dynamic]                     MAPS relation scores (built in: \(TokenRelation.builtInNames.joined(separator: ", ")); a FILE has one source<TAB>target per line)
        --decompose --head L.H --prompt TEXT                 Franco & Crovella's sparse decomposition of the head's attention on the prompt
      --processed reads TransformerLens's processed weights (fold_ln, center_writing_weights, center_unembed).
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Flag(name: .long, help: "The head's OV circuit in the vocabulary.") var ov = false
  @Flag(name: .long, help: "The head's QK circuits (token and positional).") var qk = false
  @Flag(name: .customLong("copy-scores"), help: "Copy, negative-copy and eigenvalue copying scores of every head.") var copyScores = false
  @Flag(name: .long, help: "Composition scores (all three, or the one named by the argument).") var composition = false
  @Option(name: .long, help: "MAPS scores of a relation (a built-in name or a file).") var maps: String?
  @Flag(name: .long, help: "Sparse attention decomposition of --head on --prompt.") var decompose = false

  @Argument(help: "With --composition: q, k or v (default all three).") var compositionKind: String?

  @Option(name: .long, help: "The head, as LAYER.HEAD.") var head: String?
  @Option(name: .long, help: "With --ov/--qk: the row token (default: the tokens the head amplifies most).") var token: String?
  @Option(name: .customLong("top-k"), help: "Entries per row (--ov/--qk), the copy score's top k, or MAPS's k.") var topK: Int?
  @Option(name: .long, help: "With --copy-scores: rank within the set or against the whole vocabulary.") var scope: String = "set"
  @Flag(name: .long, help: "With --maps: also the dynamic score (forward passes, attention forced to the source).") var dynamic = false
  @Option(name: .long, help: "With --composition: random matrix pairs of the baseline.") var samples: Int = 1000
  @Option(name: .long, help: "With --decompose: the prompt.") var prompt: String?
  @Flag(name: .long, help: "TransformerLens's processed weights (fold_ln, center_writing_weights, center_unembed).") var processed = false

  @OptionGroup var output: ResultOutput

  var modes: [String] {
    [(ov, "ov"), (qk, "qk"), (copyScores, "copy"), (composition, "composition"), (maps != nil, "maps"), (decompose, "decompose")].filter(\.0).map(\.1)
  }

  func validate() throws {
    guard modes.count == 1 else { throw ValidationError("give exactly one of --ov, --qk, --copy-scores, --composition, --maps, --decompose") }
    let mode = modes[0]
    if ["ov", "qk", "decompose"].contains(mode), head == nil { throw ValidationError("--\(mode) needs --head L.H") }
    if mode == "decompose", prompt == nil { throw ValidationError("--decompose needs --prompt TEXT") }
    if compositionKind != nil, mode != "composition" { throw ValidationError("the argument \(compositionKind!) belongs to --composition q|k|v") }
    if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, got \(topK)") }
    if samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
  }

  func run() throws {
    try reportingErrors {
      let mode = modes[0]
      var positionals = [mode]
      if let head, ["ov", "qk", "decompose"].contains(mode) { positionals.append(head) }
      if let maps { positionals.append(maps) }
      if let compositionKind { positionals.append(compositionKind) }
      let line = try ParsedLine.building("weights", positionals, orderedOptions: [
        ("k", topK.map(String.init)), ("token", token), ("scope", mode == "copy" ? scope : nil),
        ("samples", mode == "composition" ? String(samples) : nil), ("dynamic", yes(dynamic)), ("processed", yes(processed)),
      ])
      let inputs = try prompt.map { [try ParsedLine.building("prompt", [$0])] } ?? []
      try FrontEnd.run(try modelOptions.lines() + inputs + [line], output: output)
    }
  }
}
