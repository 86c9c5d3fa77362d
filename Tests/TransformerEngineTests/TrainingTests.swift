import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

final class TrainingTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("headlab-train-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

  let config = ModelConfig(layers: 2, heads: 2, modelDim: 16, contextLength: 12, vocabularySize: 23)

  func data() -> TokenBatches {
    var generator = SplitMix64(seed: 9)
    let documents = (0..<60).map { _ in (0..<Int(3 + generator.next() % 9)).map { _ in Int(1 + generator.next() % 22) } }
    return TokenBatches(documents: documents, rowLength: 9, bos: 0, vocabularySize: 23)
  }

  func settings(steps: Int = 6) -> TrainingSettings {
    var s = TrainingSettings()
    s.steps = steps
    s.batchSize = 4
    s.sequenceLength = 8
    s.learningRate = 1e-2
    s.checkpointEvery = 3
    s.evaluateEvery = 0
    s.threads = 2
    return s
  }

  func testLossFallsOnARepeatingPattern() throws {
    let documents = Array(repeating: [1, 2, 3, 4, 5, 6, 7, 8], count: 40)
    let rows = TokenBatches(documents: documents, rowLength: 9, bos: 0, vocabularySize: 23)
    var s = settings(steps: 60)
    s.inductionFraction = 0
    let trainer = try Trainer(model: TransformerModel(config: config), settings: s, data: rows, checkpoint: nil)
    let first = try trainer.step()
    var last = first
    for _ in 1..<60 { last = try trainer.step() }
    XCTAssertLessThan(last, first * 0.3, "loss \(first) -> \(last)")
  }

  func testBatchesArePackedFromBOSAndDeterministic() {
    let rows = data()
    XCTAssertGreaterThan(rows.rowCount, 10)
    for r in 0..<rows.rowCount { XCTAssertEqual(rows.rows[r * 9], 0, "row \(r) must start with BOS") }
    let a = rows.batch(step: 5, size: 4, seed: 1, inductionFraction: 0.25)
    let b = rows.batch(step: 5, size: 4, seed: 1, inductionFraction: 0.25)
    XCTAssertEqual(a.inputs, b.inputs)
    XCTAssertNotEqual(a.inputs, rows.batch(step: 6, size: 4, seed: 1, inductionFraction: 0.25).inputs)
    XCTAssertEqual(a.inputs[0].count, 8)
    XCTAssertEqual(Array(a.inputs[0].dropFirst()), Array(a.targets[0].dropLast()))
    // The last row is an induction row: BOS, then k random tokens and the same k again (k >= 5),
    // here cut at the row's 9 tokens.
    let induction = a.inputs[3] + [a.targets[3].last!]
    XCTAssertEqual(induction[0], 0)
    XCTAssertEqual(Array(induction[1...3]), Array(induction[6...8]))
  }

  /// Induction rows repeat segments of varying length, so no fixed copying distance fits them.
  func testInductionRowsVaryTheirPeriod() {
    let rows = TokenBatches(documents: Array(repeating: Array(1...70), count: 4), rowLength: 65, bos: 0, vocabularySize: 50)
    var periods = Set<Int>()
    for step in 0..<10 {
      let batch = rows.batch(step: step, size: 2, seed: 3, inductionFraction: 0.5)
      let row = batch.inputs[1] + [batch.targets[1].last!]
      let period = (5...32).first { k in Array(row[1...k]) == Array(row[(k + 1)...(2 * k)]) }
      XCTAssertNotNil(period, "row \(row) does not start with a repeated segment")
      periods.insert(period ?? 0)
    }
    XCTAssertGreaterThan(periods.count, 4, "periods \(periods)")
  }

  func testDataParallelStepEqualsSingleThread() throws {
    let model = try TransformerModel(config: config)
    Initialization.initialize(model, std: 0.3, seed: 4)
    let batch = data().batch(step: 0, size: 6, seed: 1, inductionFraction: 0)
    let one = DataParallelStep(model: model, threads: 1), two = DataParallelStep(model: model, threads: 2)
    let lossOne = try one.run(inputs: batch.inputs, targets: batch.targets)
    let lossTwo = try two.run(inputs: batch.inputs, targets: batch.targets)
    XCTAssertEqual(lossOne, lossTwo, accuracy: 1e-6)
    let g1 = one.gradients.tensor(.block(1, .qkvWeight)), g2 = two.gradients.tensor(.block(1, .qkvWeight))
    XCTAssertLessThan(g1.maxAbsDifference(g2), 1e-6)
    XCTAssertGreaterThan(g1.values.map(abs).max()!, 0)
  }

  func testResumeContinuesWithIdenticalResults() throws {
    let uninterrupted = try Trainer(model: TransformerModel(config: config), settings: settings(), data: data(), checkpoint: nil)
    try uninterrupted.run { _ in }

    let store = TrainingCheckpoint(directory: directory)
    let first = try Trainer(model: TransformerModel(config: config), settings: settings(), data: data(), checkpoint: store)
    var stopAt3 = false
    try first.run(shouldStop: { stopAt3 }) { progress in stopAt3 = progress.step >= 3 }
    XCTAssertEqual(first.state.step, 3)
    let resumed = try Trainer(model: TransformerModel(config: config), settings: settings(), data: data(), checkpoint: store)
    XCTAssertEqual(resumed.state.step, 3)
    try resumed.run { _ in }
    XCTAssertEqual(resumed.state.step, 6)
    for entry in uninterrupted.model.parameters.layout.entries {
      XCTAssertEqual(resumed.model.parameters.tensor(entry.name), uninterrupted.model.parameters.tensor(entry.name), "\(entry.name)")
    }
  }

  func testFailedSaveKeepsThePreviousCheckpoint() throws {
    var store = TrainingCheckpoint(directory: directory)
    let trainer = try Trainer(model: TransformerModel(config: config), settings: settings(), data: data(), checkpoint: store)
    for _ in 0..<3 { try trainer.step() }
    try store.save(model: trainer.model, optimizer: trainer.optimizer, state: trainer.state, endOfTextID: Int(trainer.data.bos))
    let savedWeights = trainer.model.parameters.tensor(.block(0, .qkvWeight))
    try trainer.step()
    struct DiskFull: Error {}
    store.beforeWrite = { url in if url.lastPathComponent == "optimizer.safetensors" { throw DiskFull() } }
    XCTAssertThrowsError(try store.save(model: trainer.model, optimizer: trainer.optimizer, state: trainer.state, endOfTextID: Int(trainer.data.bos)))
    let reloaded = try TransformerModel(config: config)
    let state = try TrainingCheckpoint(directory: directory).load(into: reloaded, optimizer: AdamW(layout: reloaded.parameters.layout, settings: .init()))
    XCTAssertEqual(state?.step, 3)
    XCTAssertEqual(reloaded.parameters.tensor(.block(0, .qkvWeight)), savedWeights)
  }

  func testASaveInterruptedBetweenItsRenamesIsRecovered() throws {
    let store = TrainingCheckpoint(directory: directory)
    let trainer = try Trainer(model: TransformerModel(config: config), settings: settings(), data: data(), checkpoint: store)
    try trainer.step()
    try store.save(model: trainer.model, optimizer: trainer.optimizer, state: trainer.state, endOfTextID: Int(trainer.data.bos))
    // As if a save crashed after moving `checkpoint` aside and before renaming the new one in.
    try FileManager.default.moveItem(at: directory.appendingPathComponent("checkpoint"), to: directory.appendingPathComponent("checkpoint.previous"))
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("checkpoint.partial"), withIntermediateDirectories: true)
    let loader = try TransformerModel(config: config)
    XCTAssertEqual(try store.load(into: loader, optimizer: AdamW(layout: loader.parameters.layout, settings: .init()))?.step, 1)
    try trainer.step()
    try store.save(model: trainer.model, optimizer: trainer.optimizer, state: trainer.state, endOfTextID: Int(trainer.data.bos))
    XCTAssertEqual(try store.load(into: loader, optimizer: AdamW(layout: loader.parameters.layout, settings: .init()))?.step, 2)
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("checkpoint.previous").path))
  }

  func testImpossibleSettingsAreRefused() throws {
    var s = settings()
    s.sequenceLength = 20
    XCTAssertThrowsError(try Trainer(model: TransformerModel(config: config), settings: s, data: data(), checkpoint: nil)) {
      XCTAssertEqual("\($0)", "invalid model configuration: training.sequenceLength (20) is larger than the model's context (12 positions)")
    }
  }
}
