import CircuitAnalysis
import Foundation
import TransformerEngine
import XCTest

/// ACDC on the tiny fixture model, through the edge-ablated evaluator that CircuitReferenceTests
/// checks against TransformerLens: what it keeps is consistent with its rule, its result is what
/// the evaluator says of the kept circuit, and bad input is refused.
final class ACDCTraceTests: XCTestCase {
  func testKeptCircuitFollowsTheRule() throws {
    let (subject, batch, reference) = try TinyIOIBatch.make()
    let tau = 0.02
    let result = try ACDCTrace.run(subject: subject, batch: batch, reference: reference, tau: tau, metric: MetricChoice(.klDivergence))
    let circuit = try result.circuitGraph()
    XCTAssertEqual(result.kind, "trace.acdc")
    XCTAssertNoThrow(try result.validate())
    XCTAssertGreaterThan(circuit.edges.count, 0)
    XCTAssertLessThan(circuit.edges.count, CircuitGraph.full(layers: subject.layers, heads: subject.heads).edges.count)
    // Every kept edge was tested and cost at least tau; the final distance is the kept circuit's KL.
    for edge in circuit.edges { XCTAssertGreaterThanOrEqual(try XCTUnwrap(edge.score, "\(edge)"), tau, "\(edge)") }
    let evaluator = try CircuitEvaluator(subject: subject, batch: batch, reference: reference, metric: MetricChoice(.klDivergence))
    let kl = try evaluator.metric(of: circuit)
    XCTAssertEqual(result.params["final_distance"]?.doubleValue ?? .nan, kl, accuracy: 1e-9)
    XCTAssertEqual(result.values.cells.first?.number ?? .nan, try evaluator.faithfulness(of: circuit).value ?? .nan, accuracy: 1e-12)
    // Removing any one kept edge now costs more than nothing (the edges ACDC kept matter).
    let worst = try circuit.edges.map { edge in try evaluator.metric(of: circuit.keeping(circuit.edges.filter { $0 != edge })) - kl }.min() ?? 0
    XCTAssertGreaterThan(worst, 0)
    // A larger tau keeps no more edges.
    let coarse = try ACDCTrace.run(subject: subject, batch: batch, reference: reference, tau: 0.5, metric: MetricChoice(.klDivergence))
    XCTAssertLessThanOrEqual(try coarse.circuitGraph().edges.count, circuit.edges.count)
  }

  func testNegativeTauIsRefused() throws {
    let (subject, batch, reference) = try TinyIOIBatch.make()
    XCTAssertThrowsError(try ACDCTrace.run(subject: subject, batch: batch, reference: reference, tau: -1, metric: .logitDifference)) {
      XCTAssert("\($0)".contains("tau"), "\($0)")
    }
  }
}
