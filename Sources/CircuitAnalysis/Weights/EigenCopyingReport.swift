import Foundation
import TransformerEngine

/// The settings shared by the weight analyses over every head.
public struct WeightSettings: Sendable, Equatable {
  /// TransformerLens's processed weights (`WeightProcessing`) instead of the raw ones.
  public var processed = false
  public var embedding: CircuitEmbedding = .maps(addingTokenEmbedding: false)

  public init() {}

  var params: [String: JSONValue] { ["processed": .bool(processed)].merging(embedding.params) { $1 } }
}

/// Elhage et al. 2021's eigenvalue copying score of every head: Σλ / Σ|λ| over the complex
/// eigenvalues of the head's full OV circuit E·W_V W_O·W_U [V, V] (E per `WeightSettings.embedding`).
/// Its nonzero eigenvalues are those of the [HS, HS] matrix W_O·(W_U·E)·W_V (`FactoredMatrix.eigenvalues`),
/// and W_U·E [C, C] is computed once per embedding, so no head costs a vocabulary-sized product.
/// Near 1: the head copies the tokens it attends to; near −1: it suppresses them.
public enum EigenCopyingReport {
  /// `weights.eigen_copy` [layer, head]. `progress` counts layers.
  public static func run(subject: AnalysisSubject, settings: WeightSettings = WeightSettings(), progress: AnalysisProgress = .none) throws -> [AnalysisResult] {
    let started = DispatchTime.now()
    let L = subject.layers, NH = subject.heads
    progress.start(total: L)
    let weights = try HeadWeights(subject.model, processed: settings.processed)
    var scores = [Double](repeating: 0, count: L * NH)
    var reading: (tokens: Bool, matrix: [Float])?
    for l in 0..<L {
      if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: L) }
      let readsTokens = settings.embedding.readsTokenEmbedding(layer: l)
      if reading?.tokens != readsTokens {
        reading = (readsTokens, weights.unembeddedEmbedding(try settings.embedding.rows(weights, layer: l)))
      }
      for h in 0..<NH {
        scores[l * NH + h] = FactoredMatrix.copyingScore(try weights.fullOVEigenvalues(weights.head(HeadIndex(l, h)), unembeddedEmbedding: reading!.matrix))
      }
      progress.advance()
    }
    var result = AnalysisResult(
      kind: "weights.eigen_copy", axes: [.layers(L), .heads(NH)], values: ResultGrid(shape: [L, NH], numbers: scores),
      params: settings.params, model: subject.identity, elapsedMs: elapsedMilliseconds(since: started))
    result.params["method"] = "eigenvalue copying score (Elhage et al. 2021): sum(lambda) / sum(|lambda|) over the eigenvalues of E W_V W_O W_U, i.e. of W_O (W_U E) W_V [d_head, d_head]"
    return [result]
  }
}

extension HeadWeights {
  /// W_U·E [C, C] = Σ_t W_U[:, t] E[t, :] for E [V, C].
  func unembeddedEmbedding(_ embedding: [Float]) -> [Float] {
    let V = config.vocabularySize, C = config.modelDim
    var out = [Float](repeating: 0, count: C * C)  // [C, C]
    BLAS.matmul(unembeddingRows, transposeA: true, embedding, into: &out, m: C, n: C, k: V)
    return out
  }

  /// The nonzero eigenvalues of E·W_V W_O·W_U: those of W_O·(W_U·E)·W_V [HS, HS].
  func fullOVEigenvalues(_ head: AttentionHeadWeights, unembeddedEmbedding ue: [Float]) throws -> [ComplexNumber] {
    let C = config.modelDim, HS = config.headDim
    let ov = LAPACK.multiply(head.output.map(Double.init), ue.map(Double.init), m: HS, n: C, k: C)  // [HS, C]
    let small = LAPACK.multiply(ov, head.value.map(Double.init), m: HS, n: HS, k: C)  // [HS, HS]
    return try LAPACK.eigenvalues(small, order: HS)
  }
}
