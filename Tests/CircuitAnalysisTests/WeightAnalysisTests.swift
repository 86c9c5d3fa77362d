import CircuitAnalysis
import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// Processed weights, the random composition baseline, the results' form and bad input, on
/// models/gpt2-vocab-f32.
final class WeightAnalysisTests: XCTestCase {
  /// The processed model computes the raw model's log-probabilities once b_U is added back
  /// (`WeightProcessing`): fold_ln and centring change no prediction.
  func testProcessedModelKeepsTheLogProbabilities() throws {
    let subject = try WeightFixtureModel.load()
    let weights = try HeadWeights(subject.model, processed: true)
    let prompt = [[464, 2068, 7586, 21831, 18045, 625, 262]]
    let raw = try subject.model.forward(prompt, logits: .all), processed = try weights.model.forward(prompt, logits: .all)
    let V = subject.config.vocabularySize, T = prompt[0].count
    func logSoftmax(_ x: [Float], bias: [Float]?) -> [Double] {
      var out: [Double] = []
      for t in 0..<T {
        let row = (0..<V).map { Double(x[t * V + $0]) + Double(bias?[$0] ?? 0) }
        let m = row.max()!, z = row.reduce(0) { $0 + exp($1 - m) }
        out += row.map { $0 - m - log(z) }
      }
      return out
    }
    let expected = logSoftmax(raw.values, bias: nil), actual = logSoftmax(processed.values, bias: weights.unembeddingBias)
    let drift = zip(expected, actual).map { abs($0 - $1) }.max()!
    XCTAssertLessThan(drift, 1e-4, "processed vs raw log-probabilities")
    let withoutBias = logSoftmax(processed.values, bias: nil)
    XCTAssertGreaterThan(zip(expected, withoutBias).map { abs($0 - $1) }.max()!, 1e-3, "b_U matters: the test can fail")
    // Every LayerNorm is left as pure normalisation, the writing weights centred.
    let p = weights.model.parameters
    XCTAssertEqual(p.tensor(.block(1, .ln1Weight)).values, [Float](repeating: 1, count: 16))
    XCTAssertEqual(p.tensor(.finalNormBias).values, [Float](repeating: 0, count: 16))
    let row = p.tensor(.block(2, .attnOutWeight)).values.prefix(16)
    XCTAssertEqual(Double(row.reduce(0, +)), 0, accuracy: 1e-5)
    XCTAssertFalse(weights.model.config.tiedEmbeddings)
    XCTAssertEqual(weights.unembedding.shape, [16, V])
  }

  /// HeadLab's baseline (SplitMix64 draws) has TransformerLens's distribution (torch draws) for
  /// the fixture's shapes: mean within 4 standard errors, 95th percentile within 0.01.
  func testRandomBaselineMatchesTransformerLensDistribution() throws {
    let reference = try XCTUnwrap(try WeightFixtureModel.reference()["random_baseline"])
    let baseline = try CompositionBaseline.compute(modelDim: 16, headDim: 8, samples: 2000, seed: 7)
    let std = reference["std"]!.doubleValue!
    let standardError = (std * std / 2000 + std * std / 4000).squareRoot()
    XCTAssertEqual(baseline.mean, reference["mean"]!.doubleValue!, accuracy: 4 * standardError)
    XCTAssertEqual(baseline.standardDeviation, std, accuracy: 0.1 * std)
    XCTAssertEqual(baseline.percentile(95), reference["p95"]!.doubleValue!, accuracy: 0.01)
    XCTAssertEqual(baseline, try CompositionBaseline.compute(modelDim: 16, headDim: 8, samples: 2000, seed: 7), "seeded")
    XCTAssertNotEqual(baseline, try CompositionBaseline.compute(modelDim: 16, headDim: 8, samples: 2000, seed: 8))
    XCTAssertLessThan(baseline.percentile(50), baseline.percentile(99))
    XCTAssertEqual(baseline.percentile(0), baseline.scores.first)
    XCTAssertEqual(baseline.percentile(100), baseline.scores.last)
  }

  /// A planted copying head, W_O = W_Vᵀ, so that at layer 0 (E = W_U = W_E) the OV map is the
  /// Gram matrix of x_t = E_t·W_V: its eigenvalues are all ≥ 0 (copying score 1), and the token
  /// with the largest ‖x_t‖ maps to itself first (Cauchy-Schwarz).
  func testPlantedCopyingHeadScoresOneAndCopiesItsLargestToken() throws {
    let subject = try WeightFixtureModel.load()
    let C = 16, HS = 8, V = subject.config.vocabularySize, head = HeadIndex(0, 1)
    let p = subject.model.parameters
    let qkv = p.pointer(.block(0, .qkvWeight)), wo = p.pointer(.block(0, .attnOutWeight)), wte = p.pointer(.tokenEmbedding)
    let before = try EigenCopyingReport.run(subject: subject)[0]
    for c in 0..<C { for j in 0..<HS { wo[(head.head * HS + j) * C + c] = qkv[c * 3 * C + 2 * C + head.head * HS + j] } }
    let largest = (0..<V).max { a, b in
      func norm(_ t: Int) -> Double {
        (0..<HS).reduce(0.0) { s, j in let x = (0..<C).reduce(0.0) { $0 + Double(wte[t * C + $1]) * Double(qkv[$1 * 3 * C + 2 * C + head.head * HS + j]) }; return s + x * x }
      }
      return norm(a) < norm(b)
    }!
    var settings = HeadCircuitSettings(head: head)
    settings.circuits = [.ov]
    settings.tokens = [largest]
    settings.k = 3
    let ov = try HeadCircuitReport.run(subject: subject, settings: settings)[0]
    assertValidResult(ov)
    XCTAssertEqual(ov.values[0, 0, 1].number, Double(largest), "token \(largest) maps to itself")
    XCTAssertEqual(ov.params["eigen_copying_score"]?.doubleValue ?? 0, 1, accuracy: 1e-9)
    let copy = try EigenCopyingReport.run(subject: subject)[0]
    XCTAssertEqual(copy.values[0, 1].number ?? 0, 1, accuracy: 1e-9)
    XCTAssertLessThan(before.values[0, 1].number!, 0.99, "unplanted, the head does not copy perfectly: the test can fail")
    settings.tokens = []
    settings.salientCount = 4
    let salient = try HeadCircuitReport.run(subject: subject, settings: settings)[0]
    XCTAssertEqual(salient.params["rows_chosen_by"], "norm amplification")
    XCTAssertEqual(salient.shape, [4, 3, 3])
    print(ResultText.render(ov))
  }

  func testResultsValidateAndRecordTheirParameters() throws {
    let subject = try WeightFixtureModel.load()
    var settings = HeadCircuitSettings(head: HeadIndex(2, 1))
    settings.tokens = [262, 13]
    settings.positions = [0, 3]
    settings.k = 4
    settings.processed = true
    let results = try HeadCircuitReport.run(subject: subject, settings: settings)
    XCTAssertEqual(results.map(\.kind), ["weights.ov", "weights.qk", "weights.qk_pos"])
    assertValidResults(results)
    for r in results {
      XCTAssertEqual(r.params["head"], "2.1")
      XCTAssertEqual(r.params["processed"], true)
      XCTAssertEqual(r.params["embedding"], "maps")
      XCTAssertEqual(r.params["k"]?.intValue, 4)
      XCTAssertEqual(r.params["circuit_singular_values"]?.arrayValue?.count, 8)
    }
    XCTAssertEqual(results[0].shape, [2, 4, 3])
    XCTAssertEqual(results[0].axes[0].labels, [" the", "."])
    XCTAssertEqual(results[2].shape, [2, 4, 2])
    XCTAssertEqual(results[2].params["not_computed"]?.arrayValue?.count, 6, "row 0 has 1 key, row 3 has 4")
    let copy = try EigenCopyingReport.run(subject: subject)[0]
    assertValidResult(copy)
    XCTAssertEqual(copy.shape, [3, 2])
    print(ResultText.render(results[0]))
  }

  func testBadInputIsRefusedNamingTheCulprit() throws {
    let subject = try WeightFixtureModel.load()
    func message(_ settings: HeadCircuitSettings) -> String {
      do {
        _ = try HeadCircuitReport.run(subject: subject, settings: settings)
        return "no error"
      } catch { return "\(error)" }
    }
    XCTAssertEqual(message(HeadCircuitSettings(head: HeadIndex(3, 0))), "head 3.0 does not exist: the model has 3 layers (0-2) of 2 heads (0-1)")
    XCTAssertTrue(message(HeadCircuitSettings(head: HeadIndex(0, -1))).contains("head 0.-1 does not exist"))
    var settings = HeadCircuitSettings(head: HeadIndex(1, 1))
    settings.k = 0
    XCTAssertEqual(message(settings), "k must be between 1 and 50257 (the row length), got 0")
    settings.k = 50258
    XCTAssertEqual(message(settings), "k must be between 1 and 50257 (the row length), got 50258")
    settings.k = 65
    settings.circuits = [.qkPositional]
    XCTAssertEqual(message(settings), "k must be between 1 and 64 (the row length), got 65")
    settings.k = 5
    settings.circuits = [.ov]
    settings.tokens = [50257]
    XCTAssertEqual(message(settings), "the circuit row token id 50257 is outside the vocabulary (0-50256)")
    settings.tokens = [-1]
    XCTAssertEqual(message(settings), "the circuit row token id -1 is outside the vocabulary (0-50256)")
    settings.tokens = []
    settings.positions = [64]
    XCTAssertEqual(message(settings), "position 64 is outside the prompt's 64 positions (0-63)")
    var composition = CompositionSettings()
    composition.modes = []
    XCTAssertThrowsError(try CompositionReport.run(subject: subject, settings: composition)) {
      XCTAssertEqual("\($0)", "no composition mode asked for; choose among q, k, v")
    }
    XCTAssertThrowsError(try CompositionBaseline.compute(modelDim: 16, headDim: 8, samples: 0)) {
      XCTAssertEqual("\($0)", "the random baseline needs at least 1 sample, got 0")
    }
  }

  /// Opt-in (HEADLAB_BENCH_WEIGHTS=1): the composition grid and baseline on GPT-2 small with
  /// random weights (python3 scripts/make_gpt2_small_random.py writes scratch/gpt2-small-random).
  func testBenchmarkCompositionOnGPT2Small() throws {
    guard ProcessInfo.processInfo.environment["HEADLAB_BENCH_WEIGHTS"] == "1" else { throw XCTSkip("set HEADLAB_BENCH_WEIGHTS=1 to run") }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scratch/gpt2-small-random").standardized
    guard FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path) else {
      throw XCTSkip("no \(url.path); run python3 scripts/make_gpt2_small_random.py")
    }
    // As headlab does first thing (in a test process it only works before any other BLAS call,
    // so run this test alone, or set OPENBLAS_CORETYPE=SkylakeX).
    BLAS.adoptAVX512KernelsIfMisdetected()
    print("bench weights: OpenBLAS \(BLAS.coreName) kernels, \(BLAS.threadCount) threads")
    let (model, _) = try ModelLoader.load(ModelDirectory(url: url))
    let subject = AnalysisSubject(model: model, identity: ModelIdentity(name: "gpt2-small-random", sha256: String(repeating: "0", count: 64)), tokenText: { "\($0)" })
    for measurement in try WeightBenchmark.composition(subject: subject) { print("bench weights: \(measurement)") }
  }
}
