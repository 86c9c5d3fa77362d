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
  /// Every command that ran, with its results: what a saved session replays.
  public private(set) var history: [SessionCommandRecord] = []
  /// The texts behind the current inputs, for the session file.
  public internal(set) var inputs = SessionInputs()
  /// The heads ablated on every pass of `run`, `generate`, `cache`, `lens` and `dla` (see
  /// Workbench+Interventions.swift).
  public internal(set) var interventions = SessionInterventions()
  /// What the workbench shows (selection, head-grid result, attention options, focus, theme).
  public internal(set) var view = ViewState()
  /// Checks a theme name for `theme NAME` (the terminal workbench installs one that loads it).
  public var themeCheck: ((String) throws -> Void)?
  /// Writes the screen to a file for `save-screen FILE` and returns the message (installed by the
  /// terminal workbench, or by `headlab batch --screen`).
  public var screenWriter: ((String) throws -> String)?
  /// The shard dataset-level commands run when their line gives no `shard=` (`headlab batch
  /// --shard i/n`); nil runs whole datasets.
  public var shard: ShardSpec?
  /// The live view's last pass without interventions (see `liveView`).
  var livePlainPass: LivePlainPass?
  /// The progress and cancellation of the command running now (analyses report to it).
  var progress = AnalysisProgress.none

  /// Commands that are not replayed from a session: they only show, write files (a replay must
  /// not overwrite files: `cache` is unrecorded like `export`), replace the whole session
  /// (`open`), or change the view (kept in the session's `view`, not its history).
  static let unrecorded: Set<String> = ["help", "save", "export", "cache", "interventions", "open", "select", "view", "theme", "save-screen"]

  public init() { _ = Self.registerDecisionRules }

  /// Parses and runs one line; nil for a blank or comment line.
  public func execute(line text: String, lineNumber: Int? = nil, progress: AnalysisProgress = .none) throws -> CommandOutput? {
    guard let line = try CommandParser.parse(text, lineNumber: lineNumber) else { return nil }
    return try execute(line, progress: progress)
  }

  /// Runs one command. `progress` receives the analysis's units of work and can cancel it from
  /// another thread; a cancelled analysis returns its partial result (`complete: false`).
  public func execute(_ line: ParsedLine, progress: AnalysisProgress = .none) throws -> CommandOutput {
    let arguments = try CommandArguments(line)
    self.progress = progress
    defer { self.progress = .none }
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
    case "unablate": output = try unablate(arguments)
    case "interventions": output = try listInterventions(arguments)
    case "run": output = try runPrompt(arguments)
    case "generate": output = try generate(arguments)
    case "cache": output = try exportCache(arguments)
    case "open": output = try open(arguments)
    case "lens": output = try lens(arguments)
    case "dla": output = try directAttribution(arguments)
    case "detect": output = try detect(arguments)
    case "relevance": output = try relevance(arguments)
    case "chg": output = try causalHeadGating(arguments)
    case "pathpatch": output = try pathPatch(arguments)
    case "ioi": output = try ioiReport(arguments)
    case "successor": output = try successorReport(arguments)
    case "trace": output = try trace(arguments)
    case "weights": output = try weights(arguments)
    case "export": output = try export(arguments)
    case "save": output = try save(arguments)
    case "help": output = try help(arguments)
    case "select": output = try select(arguments)
    case "view": output = try setView(arguments)
    case "theme": output = try setTheme(arguments)
    case "save-screen":
      guard let screenWriter else { throw arguments.missing("a screen: run it in the workbench or with `headlab batch FILE --screen WxH`") }
      output = .message(try screenWriter(arguments.positional(0)!.text))
    default: throw line.name.error("'\(line.name.text)' is in the catalog but has no executor")
    }
    var results: [AnalysisResult] = []
    if case .results(let list) = output {
      for result in list { try result.validate() }
      lastResults = list
      results = list
    }
    if !Self.unrecorded.contains(arguments.spec.name) {
      // Editing the prompt live sends one `prompt` per pause; only the last of a run is kept.
      if arguments.spec.name == "prompt", history.last?.name == "prompt" { history.removeLast() }
      history.append(SessionCommandRecord(command: line.canonicalText, name: arguments.spec.name, arguments: Self.argumentsJSON(line), results: results))
    }
    return output
  }

  /// Takes over `other`'s whole state (what `open` does once a session has replayed on a new
  /// workbench, so that a session that fails to open leaves this one untouched).
  func adopt(_ other: Workbench, history: [SessionCommandRecord]) {
    model = other.model
    prompt = other.prompt
    pair = other.pair
    answer = other.answer
    metric = other.metric
    lastResults = other.lastResults
    inputs = other.inputs
    interventions = other.interventions
    view = other.view
    self.history = history
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
    inputs = SessionInputs()
    interventions = SessionInterventions()
    let c = loaded.subject.config
    return .message("model \(reference): \(c.layers) layers x \(c.heads) heads, d_model \(c.modelDim), vocabulary \(c.vocabularySize), sha256 \(loaded.subject.identity.sha256.prefix(12))…")
  }

  func setPrompt(_ a: CommandArguments) throws -> CommandOutput {
    let ids = try loadedModel().tokens(a.positional(0)!.text)
    prompt = ids
    inputs.prompt = a.positional(0)!.text
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
    inputs.clean = clean.text
    inputs.corrupted = corrupted.text
    return .message("pair: \(c.count) tokens, differing at positions \(zip(c, k).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset))")
  }

  func setAnswer(_ a: CommandArguments) throws -> CommandOutput {
    let m = try loadedModel()
    answer = (try m.singleToken(a.positional(0)!.text, role: "answer"), try m.singleToken(a.positional(1)!.text, role: "wrong token"))
    inputs.answer = a.positional(0)!.text
    inputs.wrong = a.positional(1)!.text
    return .message("answer \(a.positional(0)!.text.debugDescription), wrong \(a.positional(1)!.text.debugDescription)")
  }

  func setMetric(_ a: CommandArguments) throws -> CommandOutput {
    let name = try a.reading { try a.positional(0)!.choice(Metric.Kind.allCases.map(\.rawValue), noun: "metric") }
    let k = try a.reading { try a.option("k")?.integer(in: 1...1_000_000) } ?? 1
    metric = MetricChoice(Metric.Kind(rawValue: name)!, k: k)
    inputs.metric = name
    return .message("metric \(name)")
  }

  func help(_ a: CommandArguments) throws -> CommandOutput {
    guard let name = a.positional(0) else { return .message(CommandCatalog.helpText) }
    let command = try name.choice(CommandCatalog.all.map(\.name), noun: "command")
    let spec = CommandCatalog.spec(named: command)!
    return .message(([spec.summary, "usage: \(spec.usage)"] + spec.examples.map { "  \($0)" }).joined(separator: "\n"))
  }
}
