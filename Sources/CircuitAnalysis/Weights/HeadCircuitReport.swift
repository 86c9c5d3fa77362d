import Foundation
import TransformerEngine

/// One head's OV and QK circuits read in the vocabulary and in positions (Elhage et al. 2021;
/// MAPS, Elhelo & Geva 2025, for E'; papers.md section 10): for each row token (or query
/// position), the k tokens (positions) with the largest entries, computed from the factors
/// (`FactoredMatrix.topK`), never a d_vocab x d_vocab matrix.
public enum HeadCircuitReport {
  /// Returns one result per circuit asked for, in `settings.circuits` order:
  /// - `weights.ov` [token, rank, field(token, id, score)]: row t of E'·W_V W_O·W_U, E' per
  ///   `settings.embedding`;
  /// - `weights.qk` [token, rank, field(token, id, score)]: row q of E·W_Q W_Kᵀ·Eᵀ (E the same
  ///   choice on both sides);
  /// - `weights.qk_pos` [query_position, rank, field(position, score)]: row i of
  ///   W_pos·W_Q W_Kᵀ·W_posᵀ over the key positions j ≤ i (the causal mask), so an early row
  ///   has fewer than k entries; those cells are null and listed in `not_computed`.
  ///
  /// `params` hold the head, k, the rows, `processed`, the embedding, and the spectra: the
  /// singular values and eigenvalues ([re, im]) of the map (`singular_values`, `eigenvalues`),
  /// of TransformerLens's d_model x d_model `model.OV` / `model.QK` (`circuit_singular_values`,
  /// `circuit_eigenvalues`), and the eigenvalue copying score Σλ/Σ|λ| of the map.
  public static func run(subject: AnalysisSubject, settings: HeadCircuitSettings, progress: AnalysisProgress = .none) throws -> [AnalysisResult] {
    try settings.validate(subject)
    let started = DispatchTime.now()
    progress.start(total: settings.circuits.count)
    let weights = try HeadWeights(subject.model, processed: settings.processed)
    let head = weights.head(settings.head)
    let needsEmbedding = settings.circuits.contains { $0 != .qkPositional }
    let embedding = needsEmbedding ? try settings.embedding.rows(weights, layer: settings.head.layer) : []
    var results: [AnalysisResult] = []
    for circuit in settings.circuits {
      if progress.isCancelled { throw AnalysisError.cancelled(completed: progress.completed, total: settings.circuits.count) }
      var result: AnalysisResult
      switch circuit {
      case .ov:
        let map = weights.fullOV(head, embedding: embedding)
        result = try tokenTable(subject, settings, circuit, map: map,
                                reading: FactoredMatrix(left: map.left, right: head.output,
                                                        rows: subject.config.vocabularySize, inner: head.headDim, columns: head.modelDim),
                                embedding: embedding, circuitMatrix: head.ov)
        result.params["matrix"] = "E' W_V W_O W_U: row = the token attended to, columns = the logits the head writes"
      case .qk:
        let map = weights.fullQK(head, embedding: embedding)
        result = try tokenTable(subject, settings, circuit, map: map,
                                reading: FactoredMatrix(left: map.left, right: FactoredMatrix.transpose(head.key, rows: head.modelDim, columns: head.headDim),
                                                        rows: subject.config.vocabularySize, inner: head.headDim, columns: head.modelDim),
                                embedding: embedding, circuitMatrix: head.qk)
        result.params["matrix"] = "E W_Q W_K^T E^T: row = query token, columns = key tokens (scores before 1/sqrt(d_head), no biases, no positions)"
      case .qkPositional:
        result = try positionTable(subject, settings, map: weights.positionalQK(head), circuitMatrix: head.qk)
      }
      result.elapsedMs = elapsedMilliseconds(since: started)
      results.append(result)
      progress.advance()
    }
    return results
  }

  /// The OV or QK token table. `reading` is E·W_V W_O (E·W_Q W_Kᵀ), [V, C], whose row norms give
  /// the salient rows when none are given.
  static func tokenTable(
    _ subject: AnalysisSubject, _ settings: HeadCircuitSettings, _ circuit: HeadCircuit, map: FactoredMatrix, reading: FactoredMatrix,
    embedding: [Float], circuitMatrix: FactoredMatrix
  ) throws -> AnalysisResult {
    let C = subject.config.modelDim
    var rows = settings.tokens
    var chosenBy = "given"
    if rows.isEmpty {
      let norms = reading.rowNorms()
      let amplification = norms.indices.map { t -> Float in
        var e = 0.0
        for c in 0..<C { e += Double(embedding[t * C + c]) * Double(embedding[t * C + c]) }
        return e > 0 ? Float(norms[t] / e.squareRoot()) : 0
      }
      rows = TopK.indices(amplification, count: settings.salientCount)
      chosenBy = "norm amplification"
    }
    let top = map.topK(rows: rows, k: settings.k, largest: !settings.smallest)
    let fields = ["token", "id", "score"]
    let cells = top.flatMap { row in row.flatMap { [ResultCell.token(subject.tokenText($0.column)), .number(Double($0.column)), .number(Double($0.value))] } }
    var result = AnalysisResult(
      kind: circuit.kind,
      axes: [ResultAxis(name: "token", labels: rows.map(subject.tokenText)), .indexed("rank", count: settings.k), ResultAxis(name: "field", labels: fields)],
      values: ResultGrid(shape: [rows.count, settings.k, fields.count], cells: cells), params: settings.params, model: subject.identity)
    result.params["tokens"] = .integers(rows)
    result.params["rows_chosen_by"] = .string(chosenBy)
    try result.params.merge(spectra(map: map, circuit: circuitMatrix)) { $1 }
    return result
  }

  static func positionTable(_ subject: AnalysisSubject, _ settings: HeadCircuitSettings, map: FactoredMatrix, circuitMatrix: FactoredMatrix) throws -> AnalysisResult {
    let rows = settings.positions.isEmpty ? Array(0..<subject.config.contextLength) : settings.positions
    let top = map.topK(rows: rows, k: settings.k, largest: !settings.smallest, columnLimit: { $0 + 1 })
    let fields = ["position", "score"]
    var values = ResultGrid(missing: [rows.count, settings.k, fields.count])
    for (r, row) in top.enumerated() {
      for (rank, entry) in row.enumerated() {
        values[r, rank, 0] = .number(Double(entry.column))
        values[r, rank, 1] = .number(Double(entry.value))
      }
    }
    var result = AnalysisResult(
      kind: HeadCircuit.qkPositional.kind,
      axes: [ResultAxis(name: "query_position", labels: rows.map(String.init)), .indexed("rank", count: settings.k), ResultAxis(name: "field", labels: fields)],
      values: values, params: settings.params, model: subject.identity
    ).listingNullCells()
    result.params["positions"] = .integers(rows)
    result.params["matrix"] = "W_pos W_Q W_K^T W_pos^T: row = query position, columns = key positions <= the query (causal mask)"
    try result.params.merge(spectra(map: map, circuit: circuitMatrix)) { $1 }
    return result
  }

  /// Singular values and eigenvalues of the map and of the d_model x d_model circuit.
  static func spectra(map: FactoredMatrix, circuit: FactoredMatrix) throws -> [String: JSONValue] {
    let eigenvalues = try map.eigenvalues()
    return [
      "singular_values": .array(try map.singularValues().map(JSONValue.number)),
      "eigenvalues": .array(eigenvalues.map(\.json)),
      "eigen_copying_score": .number(FactoredMatrix.copyingScore(eigenvalues)),
      "circuit_singular_values": .array(try circuit.singularValues().map(JSONValue.number)),
      "circuit_eigenvalues": .array(try circuit.eigenvalues().map(\.json)),
    ]
  }
}
