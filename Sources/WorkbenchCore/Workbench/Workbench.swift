import CircuitAnalysis
import Foundation

/// What a command produced: results, or a message (help, a setting confirmed, a file written).
public enum CommandOutput: Sendable {
  case results([AnalysisResult])
  case message(String)
}

/// The workbench's state and its one executor: every command, typed at the `:` prompt or read
/// from a batch script, runs through `execute`, the only code that runs the engine or changes
/// the state.
public final class Workbench {
  public private(set) var model: WorkbenchModel?
  /// The prompt's token ids (BOS first).
  public private(set) var prompt: [Int]?
  public private(set) var pair: (clean: [Int], corrupted: [Int])?
  public private(set) var answer: (answer: Int, wrong: Int)?
  public private(set) var metric = MetricChoice.logitDifference
  /// The results of the last command that produced any.
  public private(set) var lastResults: [AnalysisResult] = []

  public init() {}

  /// Parses and runs one line; nil for a blank or comment line.
  public func execute(line text: String, lineNumber: Int? = nil) throws -> CommandOutput? {
    guard let line = try CommandParser.parse(text, lineNumber: lineNumber) else { return nil }
    return try execute(line)
  }

  public func execute(_ line: ParsedLine) throws -> CommandOutput {
    let arguments = try CommandArguments(line)
    let output: CommandOutput
    switch arguments.spec.name {
    case "model": output = try loadModel(arguments)
    case "prompt": output = try setPrompt(arguments)
    case "pair": output = try setPair(arguments)
    case "answer": output = try setAnswer(arguments)
    case "metric": output = try setMetric(arguments)
    case "patch": output = try patch(arguments)
    case "atp": output = try attribution(arguments)
    case "ablate": output = try ablate(arguments)
    case "lens": output = try lens(arguments)
    case "dla": output = try directAttribution(arguments)
    case "detect": output = try detect(arguments)
    case "relevance": output = try relevance(arguments)
    case "export": output = try export(arguments)
    case "help": output = try help(arguments)
    default: throw line.name.error("'\(line.name.text)' is in the catalog but has no executor")
    }
    if case .results(let results) = output {
      for result in results { try result.validate() }
      lastResults = results
    }
    return output
  }

  /// The loaded model, loading the embedded one on first use.
  func loadedModel() throws -> WorkbenchModel {
    if let model { return model }
    let loaded = try WorkbenchModel(reference: "default")
    model = loaded
    return loaded
  }

  func loadModel(_ a: CommandArguments) throws -> CommandOutput {
    let reference = a.positional(0)!.text
    let loaded = try WorkbenchModel(reference: reference)
    model = loaded
    prompt = nil
    pair = nil
    answer = nil
    let c = loaded.subject.config
    return .message("model \(reference): \(c.layers) layers x \(c.heads) heads, d_model \(c.modelDim), vocabulary \(c.vocabularySize), sha256 \(loaded.subject.identity.sha256.prefix(12))…")
  }

  func setPrompt(_ a: CommandArguments) throws -> CommandOutput {
    let ids = try loadedModel().tokens(a.positional(0)!.text)
    prompt = ids
    return .message("prompt: \(ids.count) tokens")
  }

  func setPair(_ a: CommandArguments) throws -> CommandOutput {
    guard let clean = a.option("clean") else { throw a.missing("clean=TEXT") }
    guard let corrupted = a.option("corrupted") else { throw a.missing("corrupted=TEXT") }
    let m = try loadedModel()
    let (c, k) = (try m.tokens(clean.text), try m.tokens(corrupted.text))
    guard c.count == k.count else {
      throw AnalysisError.misalignedPair(clean: c.map(m.subject.tokenText), corrupted: k.map(m.subject.tokenText))
    }
    pair = (c, k)
    return .message("pair: \(c.count) tokens, differing at positions \(zip(c, k).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset))")
  }

  func setAnswer(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    answer = (try m.singleToken(a.positional(0)!.text, role: "answer"), try m.singleToken(a.positional(1)!.text, role: "wrong token"))
    return .message("answer \(a.positional(0)!.text.debugDescription), wrong \(a.positional(1)!.text.debugDescription)")
  }

  func setMetric(_ a: CommandArguments) throws -> CommandOutput {
    let name = try a.reading { try a.positional(0)!.choice(Metric.Kind.allCases.map(\.rawValue), noun: "metric") }
    let k = try a.reading { try a.option("k")?.integer(in: 1...1_000_000) } ?? 1
    metric = MetricChoice(Metric.Kind(rawValue: name)!, k: k)
    return .message("metric \(name)")
  }

  func help(_ a: CommandArguments) throws -> CommandOutput {
    guard let name = a.positional(0) else { return .message(CommandCatalog.helpText) }
    let command = try name.choice(CommandCatalog.all.map(\.name), noun: "command")
    let spec = CommandCatalog.spec(named: command)!
    return .message(([spec.summary, "usage: \(spec.usage)"] + spec.examples.map { "  \($0)" }).joined(separator: "\n"))
  }
}
