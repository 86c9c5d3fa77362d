import HeadLabTestSupport
import TransformerEngine
import XCTest

/// `withCancellation`: polled before every block; a cancelled pass throws EngineError.cancelled
/// and leaves the model as it was.
final class CancellationTests: XCTestCase {
  func testTheCheckRunsBeforeEveryBlock() throws {
    let model = try EngineAnalysisFixture().model
    let calls = Counter()
    let tokens = [[0, 5, 9, 2]]
    let (_, cache) = try model.runWithCache(tokens, sites: [.block(1, .residPre)])
    try model.withCancellation({ calls.increment(); return false }) {
      _ = try model.forward(tokens)
      XCTAssertEqual(calls.value, model.config.layers)
      _ = try model.forward(fromLayer: 1, residual: cache[.block(1, .residPre)]!)
      XCTAssertEqual(calls.value, model.config.layers + model.config.layers - 1)
    }
  }

  func testCancellingMidPassThrowsAndLeavesTheModelUsable() throws {
    let model = try EngineAnalysisFixture().model
    let tokens = seededTokens(B: 2, T: 5, vocabularySize: model.config.vocabularySize, seed: 41)
    let plain = try model.forward(tokens, logits: .all)
    let calls = Counter(), fired = Counter()
    let zeroHead = Hook(.block(0, .z)) { z, _ in fired.increment(); for i in z.values.indices { z.values[i] = 0 } }
    let gates = Tensor(shape: [model.config.layers, model.config.heads], repeating: 0.5)
    // Cancelled before block 1, with a hook and head gates active.
    XCTAssertThrowsError(try model.withCancellation({ calls.increment(); return calls.value > 1 }) {
      try model.withHeadGates(gates) { try model.withHooks([zeroHead]) { try model.forward(tokens, logits: .all) } }
    }) { error in
      XCTAssertEqual(error as? EngineError, .cancelled)
    }
    XCTAssertEqual(calls.value, 2)
    XCTAssertEqual(fired.value, 1, "block 0 ran once")
    XCTAssertNil(model.headGates, "head gates left active")
    // The next pass is the plain one: no hook, no gates, no cancellation.
    let after = try model.forward(tokens, logits: .all)
    XCTAssertEqual(after.values, plain.values)
    XCTAssertEqual(fired.value, 1, "hook still active after the cancelled pass")
    XCTAssertEqual(calls.value, 2, "cancellation check still active")
    // Gradients run too.
    XCTAssertNoThrow(try model.gradients(tokens, objective: Objectives.logProbability(of: [1, 2])))
  }
}
