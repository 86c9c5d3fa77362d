import TransformerEngine

/// TransformerLens's processed weights (`fold_ln`, `center_writing_weights`, `center_unembed`,
/// as `HookedTransformer.from_pretrained` applies them by default; transformer_lens
/// `weight_processing.py`), computed from a model's raw weights into a new, untied model:
///
/// 1. fold_ln, each block: b_Q,K,V += ln1.b·W_Q,K,V; W_Q,K,V ← diag(ln1.w)·W_Q,K,V, then each
///    column centred over d_model; the same for ln2 into W_in, b_in. ln_final: b_U = ln_f.b·W_U,
///    W_U ← diag(ln_f.w)·W_U, then each vocabulary column centred over d_model. Every LayerNorm
///    keeps its normalisation with weight 1 and bias 0 (TransformerLens's LNPre).
/// 2. center_writing_weights: W_E, W_pos, each row of W_O and W_out centred over d_model, and
///    b_O, b_out centred.
/// 3. center_unembed: each d_model row of W_U centred over the vocabulary, and b_U centred.
///
/// The processed model computes the same log-probabilities as the raw one, except that it has no
/// b_U: its logits are the raw model's minus b_U minus a constant per position. `unembeddingBias`
/// returns b_U, which TransformerLens keeps as `unembed.b_U`. Value biases are not folded
/// (`fold_value_biases` is off) and the attention matrices are not refactored.
public enum WeightProcessing {
  /// The processed model (tiedEmbeddings false: W_U is no longer W_E) and b_U [V].
  public static func process(_ raw: TransformerModel) throws -> (model: TransformerModel, unembeddingBias: [Float]) {
    var config = raw.config
    config.tiedEmbeddings = false
    let model = try TransformerModel(config: config)
    let C = config.modelDim, M = config.mlpDim, V = config.vocabularySize
    let from = raw.parameters, to = model.parameters
    for entry in from.layout.entries { to.pointer(entry.name).update(from: from.pointer(entry.name), count: entry.count) }
    // W_U [V, C] as stored, from the raw model (the token embedding when tied).
    to.pointer(.unembedding).update(from: from.pointer(raw.unembeddingName), count: V * C)

    for l in 0..<config.layers {
      foldNorm(weight: to.pointer(.block(l, .ln1Weight)), bias: to.pointer(.block(l, .ln1Bias)),
               into: to.pointer(.block(l, .qkvWeight)), bias: to.pointer(.block(l, .qkvBias)), C: C, outputs: 3 * C)
      foldNorm(weight: to.pointer(.block(l, .ln2Weight)), bias: to.pointer(.block(l, .ln2Bias)),
               into: to.pointer(.block(l, .mlpInWeight)), bias: to.pointer(.block(l, .mlpInBias)), C: C, outputs: M)
      centreRows(to.pointer(.block(l, .attnOutWeight)), rows: C, columns: C)
      centreRows(to.pointer(.block(l, .attnOutBias)), rows: 1, columns: C)
      centreRows(to.pointer(.block(l, .mlpOutWeight)), rows: M, columns: C)
      centreRows(to.pointer(.block(l, .mlpOutBias)), rows: 1, columns: C)
    }
    centreRows(to.pointer(.tokenEmbedding), rows: V, columns: C)
    centreRows(to.pointer(.positionEmbedding), rows: config.contextLength, columns: C)

    // ln_final into W_U: with W_U stored [V, C], TransformerLens's column v of W_U is row v here.
    let unembedding = to.pointer(.unembedding)  // [V, C]
    let weight = to.pointer(.finalNormWeight), bias = to.pointer(.finalNormBias)
    var unembeddingBias = [Double](repeating: 0, count: V)
    for v in 0..<V {
      var dot = 0.0
      for c in 0..<C {
        dot += Double(bias[c]) * Double(unembedding[v * C + c])
        unembedding[v * C + c] *= weight[c]
      }
      unembeddingBias[v] = dot
    }
    centreRows(unembedding, rows: V, columns: C)  // fold_ln: each vocabulary column over d_model
    weight.update(repeating: 1, count: C)
    bias.update(repeating: 0, count: C)
    // center_unembed: each d_model row of W_U over the vocabulary, and b_U.
    var columnMeans = [Double](repeating: 0, count: C)
    for v in 0..<V { for c in 0..<C { columnMeans[c] += Double(unembedding[v * C + c]) } }
    for c in 0..<C { columnMeans[c] /= Double(V) }
    for v in 0..<V { for c in 0..<C { unembedding[v * C + c] = Float(Double(unembedding[v * C + c]) - columnMeans[c]) } }
    let biasMean = unembeddingBias.reduce(0, +) / Double(V)
    return (model, unembeddingBias.map { Float($0 - biasMean) })
  }

  /// Folds a LayerNorm (weight w, bias b [C]) into the linear map that reads it (W [C, outputs],
  /// bias [outputs]): bias += b·W, W ← diag(w)·W, each column of W centred over C; then w = 1,
  /// b = 0.
  static func foldNorm(weight w: UnsafeMutablePointer<Float>, bias b: UnsafeMutablePointer<Float>, into matrix: UnsafeMutablePointer<Float>,
                       bias out: UnsafeMutablePointer<Float>, C: Int, outputs N: Int) {
    var folded = [Double](repeating: 0, count: N), means = [Double](repeating: 0, count: N)
    for c in 0..<C {
      for j in 0..<N {
        let x = Double(matrix[c * N + j])
        folded[j] += Double(b[c]) * x
        let scaled = Float(x * Double(w[c]))
        matrix[c * N + j] = scaled
        means[j] += Double(scaled)
      }
    }
    for j in 0..<N {
      out[j] = Float(Double(out[j]) + folded[j])
      means[j] /= Double(C)
    }
    for c in 0..<C { for j in 0..<N { matrix[c * N + j] = Float(Double(matrix[c * N + j]) - means[j]) } }
    w.update(repeating: 1, count: C)
    b.update(repeating: 0, count: C)
  }

  /// Subtracts from each row of x [rows, columns] its mean.
  static func centreRows(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    for i in 0..<rows {
      var sum = 0.0
      for j in 0..<columns { sum += Double(x[i * columns + j]) }
      let mean = sum / Double(columns)
      for j in 0..<columns { x[i * columns + j] = Float(Double(x[i * columns + j]) - mean) }
    }
  }
}

extension AnalysisSubject {
  /// The subject with TransformerLens's processed weights (`WeightProcessing`), for the analyses
  /// that read a model's weights without a `processed` setting of their own (copy scores, MAPS,
  /// the attention decomposition). The identity stays the raw model's: results say
  /// `processed: true` in their params.
  public func withProcessedWeights() throws -> AnalysisSubject {
    AnalysisSubject(model: try WeightProcessing.process(model).model, identity: identity, tokenText: tokenText)
  }
}
