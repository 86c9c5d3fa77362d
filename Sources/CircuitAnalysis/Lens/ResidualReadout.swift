import Foundation
import TransformerEngine

// Reading the residual stream out through ln_final and the unembedding, outside the forward pass.
// Legend: R rows, C d_model, V vocab.

extension TransformerModel {
  /// The unembedding W_U stored [V, C] (the token embedding when the embeddings are tied).
  var unembeddingName: ParameterName { config.tiedEmbeddings ? .tokenEmbedding : .unembedding }

  /// ln_final recomputed on each row of `residual` [R, C], its weight and bias applied: [R, C].
  func finalNorm(_ residual: [Float], rows R: Int) -> [Float] {
    let C = config.modelDim
    var out = [Float](repeating: 0, count: R * C)
    var mean = [Float](repeating: 0, count: R), scale = [Float](repeating: 0, count: R)
    layerNormStatistics(mean: &mean, scale: &scale, input: residual, N: R, C: C, epsilon: config.normEpsilon)
    layerNormApply(out: &out, input: residual, mean: mean, scale: scale,
                   weight: parameters.pointer(.finalNormWeight), bias: parameters.pointer(.finalNormBias), N: R, C: C)
    return out
  }

  /// logits [R, V] = x [R, C] · W_Uᵀ.
  func unembedRows(_ x: [Float], rows R: Int) -> [Float] {
    let C = config.modelDim, V = config.vocabularySize
    var logits = [Float](repeating: 0, count: R * V)
    unembedForward(logits: &logits, input: x, unembedding: parameters.pointer(unembeddingName), R: R, C: C, V: V)
    return logits
  }
}

/// Wall-clock milliseconds since `start`, for `elapsed_ms`.
func elapsedMilliseconds(since start: DispatchTime) -> Int {
  Int((DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000)
}

extension AnalysisSubject {
  /// Checks a prompt's token ids against the model (non-empty, within context and vocabulary).
  func check(tokens: [Int]) throws {
    _ = try model.validate(tokens: [tokens])
  }

  /// Resolves a position (nil = the last) in a prompt of `count` tokens.
  func resolve(position: Int?, count: Int) throws -> Int {
    let p = position ?? count - 1
    guard p >= 0, p < count else { throw AnalysisError.positionOutOfRange(position: p, positions: count) }
    return p
  }

  /// Checks that a token id (an answer, a task token) is in the vocabulary; `role` names it.
  func check(token id: Int, role: String) throws {
    guard id >= 0, id < config.vocabularySize else {
      throw AnalysisError.invalidArgument("the \(role) token id \(id) is outside the vocabulary (0-\(config.vocabularySize - 1))")
    }
  }
}
