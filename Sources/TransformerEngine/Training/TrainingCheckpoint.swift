import Foundation

/// A resumable training state on disk: `DIR/checkpoint/` holds the model (Hugging Face layout),
/// the optimiser moments, and `trainer-state.json`.
///
/// Saving never endangers the previous checkpoint: everything is written into
/// `checkpoint.partial/`, and only when every file is complete is the old directory moved to
/// `checkpoint.previous/` and the new one renamed into place. A failure at any point (a full
/// disk, a crash) leaves `checkpoint/` or, between the two renames, `checkpoint.previous/`
/// intact; `load` looks at both.
public struct TrainingCheckpoint {
  public struct State: Codable, Equatable, Sendable {
    /// Updates completed.
    public var step: Int
    public var settings: TrainingSettings
    public var elapsedSeconds: Double
    /// (step, training loss) pairs logged so far.
    public var losses: [[Double]]
  }

  public let directory: URL
  /// Called before each file is written; tests use it to simulate a full disk.
  public var beforeWrite: ((URL) throws -> Void)?

  public init(directory: URL) { self.directory = directory }

  var current: URL { directory.appendingPathComponent("checkpoint") }
  var partial: URL { directory.appendingPathComponent("checkpoint.partial") }
  var previous: URL { directory.appendingPathComponent("checkpoint.previous") }

  /// `endOfTextID` (the `<|endoftext|>` the training rows are packed with) goes into the saved
  /// `config.json` as bos/eos, as `CheckpointWriter.save` writes it.
  public func save(model: TransformerModel, optimizer: AdamW, state: State, endOfTextID: Int?) throws {
    let fm = FileManager.default
    // A crash between the two renames of an earlier save leaves only `previous`: put it back
    // first, so that no moment of this save is without a complete checkpoint on disk.
    if !fm.fileExists(atPath: current.path) && fm.fileExists(atPath: previous.path) {
      try fm.moveItem(at: previous, to: current)
    }
    try? fm.removeItem(at: partial)
    try fm.createDirectory(at: partial, withIntermediateDirectories: true)
    try beforeWrite?(partial.appendingPathComponent("model.safetensors"))
    try CheckpointWriter.save(model, to: partial, endOfTextID: endOfTextID)
    let moments = try optimizer.m.layout.entries.flatMap { entry -> [SafetensorsWriter.Item] in
      [SafetensorsWriter.Item("m.\(entry.name)", optimizer.m.tensor(entry.name)),
       SafetensorsWriter.Item("v.\(entry.name)", optimizer.v.tensor(entry.name))]
    }
    let optimizerFile = partial.appendingPathComponent("optimizer.safetensors")
    try beforeWrite?(optimizerFile)
    try SafetensorsWriter.write(moments, metadata: ["step": String(optimizer.step)], to: optimizerFile)
    let stateFile = partial.appendingPathComponent("trainer-state.json")
    try beforeWrite?(stateFile)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    try AtomicFile.write(try encoder.encode(state), to: stateFile)

    try? fm.removeItem(at: previous)
    if fm.fileExists(atPath: current.path) { try fm.moveItem(at: current, to: previous) }
    try fm.moveItem(at: partial, to: current)
    try? fm.removeItem(at: previous)
  }

  /// The saved state, restoring weights into `model` and moments into `optimizer`; nil if the
  /// directory holds no checkpoint.
  public func load(into model: TransformerModel, optimizer: AdamW) throws -> State? {
    let fm = FileManager.default
    let source = fm.fileExists(atPath: current.appendingPathComponent("trainer-state.json").path) ? current
      : fm.fileExists(atPath: previous.appendingPathComponent("trainer-state.json").path) ? previous : nil
    guard let source else { return nil }
    let stateFile = source.appendingPathComponent("trainer-state.json")
    let state: State
    do { state = try JSONDecoder().decode(State.self, from: Data(contentsOf: stateFile)) } catch {
      throw CheckpointError.badConfig(file: stateFile.path, reason: "unreadable trainer state: \(error)")
    }
    let (saved, _) = try ModelLoader.load(ModelDirectory(url: source))
    guard saved.config == model.config else {
      throw CheckpointError.badConfig(file: source.appendingPathComponent("config.json").path,
                                      reason: "checkpoint architecture differs from the recipe's model")
    }
    model.parameters.copy(from: saved.parameters)
    let optimizerFile = try SafetensorsFile(url: source.appendingPathComponent("optimizer.safetensors"))
    let m = ParameterStore(layout: model.parameters.layout), v = ParameterStore(layout: model.parameters.layout)
    for entry in model.parameters.layout.entries {
      for (prefix, store) in [("m", m), ("v", v)] {
        let name = "\(prefix).\(entry.name)"
        guard let found = optimizerFile.entries[name], found.shape == entry.shape else {
          throw CheckpointError.missingTensor(tensor: name, files: [optimizerFile.url.path])
        }
        try optimizerFile.read(name, into: store.pointer(entry.name))
      }
    }
    let step = Int(optimizerFile.metadata["step"] ?? "") ?? state.step
    optimizer.restore(m: m, v: v, step: step)
    return state
  }
}
