import CircuitAnalysis
import WorkbenchCore

/// What the workbench's engine side last reported, copied out on the worker thread after each
/// command so that drawing never touches the `Workbench` while a command runs.
public struct EngineSnapshot: Sendable {
  public var modelName = "no model"
  public var layers = 0
  public var heads = 0
  public var live: LiveView?
  /// The layer x head results, oldest first (what `g` cycles through).
  public var gridResults: [AnalysisResult] = []
  public var ablated: [HeadIndex] = []
  public var promptText: String?
  public var answer: (answer: String, wrong: String)?
  public var historyCount = 0
  public var view = ViewState()

  public init() {}

  /// Reads the workbench (call on the thread that owns it).
  public init(_ workbench: Workbench) {
    if let m = workbench.model {
      modelName = m.reference
      layers = m.subject.layers
      heads = m.subject.heads
    }
    gridResults = workbench.gridResults
    ablated = workbench.interventions.ablations.map { HeadIndex($0.layer, $0.head) }
    promptText = workbench.inputs.prompt
    if let a = workbench.inputs.answer, let w = workbench.inputs.wrong { answer = (a, w) }
    historyCount = workbench.history.count
    view = workbench.view
  }

  /// The result the grid draws for `view`: the chosen kind, else the latest.
  public func gridResult(for view: ViewState) -> AnalysisResult? { view.gridResult(in: gridResults) }
}
