extension BPETokenizer {
  /// Pieces longer than this many bytes are not cached (they are rare, and
  /// would make the cache's memory use unbounded).
  static let longestCachedPiece = 256

  /// Token ids for `text`; with `prependBOS`, `<|endoftext|>` comes first
  /// (nothing is prepended if the tokenizer has no `<|endoftext|>`).
  public func encode(_ text: String, prependBOS: Bool = false) -> [Int] {
    var ids: [Int] = []
    ids.reserveCapacity(text.utf8.count / 3 + 1)
    if prependBOS, let bos = endOfTextID { ids.append(bos) }
    forEachSegment(of: text) { segment, bytes in
      switch segment {
      case .token(let id, _):
        ids.append(Int(id))
      case .text(let range):
        encodeText(bytes, range: range) { ids.append(Int($0)) }
      }
    }
    return ids
  }

  /// Calls `body` with each added-token / text segment of `text`.
  func forEachSegment(
    of text: String, _ body: (AddedTokenSplitter.Segment, UnsafeBufferPointer<UInt8>) -> Void
  ) {
    var text = text
    text.withUTF8 { bytes in
      for segment in splitter.split(bytes, range: 0..<bytes.count) { body(segment, bytes) }
    }
  }

  /// Encodes one run of ordinary text (no added tokens in it).
  private func encodeText(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, _ emit: (Int32) -> Void) {
    if addsPrefixSpace && bytes[range.lowerBound] != 0x20 {
      var prefixed: [UInt8] = [0x20]
      prefixed.append(contentsOf: bytes[range])
      prefixed.withUnsafeBufferPointer { encodeText($0, range: 0..<$0.count, emit) }
      return
    }
    GPT2PreTokenizer.forEachPiece(in: bytes, range: range) { piece in
      if piece.count == 1 {
        let id = model.byteIDs[Int(bytes[piece.lowerBound])]
        if id >= 0 {
          emit(id)
          return
        }
      }
      let slice = UnsafeBufferPointer(rebasing: bytes[piece])
      guard piece.count <= Self.longestCachedPiece else {
        model.encode(slice).forEach(emit)
        return
      }
      let key = Array(slice)
      if let cached = cache.value(for: key) {
        cached.forEach(emit)
        return
      }
      let ids = model.encode(slice)
      cache.insert(ids, for: key)
      ids.forEach(emit)
    }
  }

  /// Per-piece account of how `text` is encoded (no BOS). The ids of all
  /// steps, concatenated, equal `encode(text)`.
  public func explain(_ text: String) -> [TokenizationStep] {
    var steps: [TokenizationStep] = []
    forEachSegment(of: text) { segment, bytes in
      switch segment {
      case .token(let id, let range):
        let piece = Array(bytes[range])
        let content = string(for: Int(id)) ?? ""
        steps.append(TokenizationStep(
          piece: String(decoding: piece, as: UTF8.self), bytes: piece, mapped: content,
          isAddedToken: true, merges: [], symbols: [content], ids: [Int(id)]))
      case .text(let range):
        var owned = Array(bytes[range])
        if addsPrefixSpace && owned.first != 0x20 { owned.insert(0x20, at: 0) }
        owned.withUnsafeBufferPointer { buffer in
          GPT2PreTokenizer.forEachPiece(in: buffer, range: 0..<buffer.count) { piece in
            steps.append(explainPiece(UnsafeBufferPointer(rebasing: buffer[piece])))
          }
        }
      }
    }
    return steps
  }

  private func explainPiece(_ piece: UnsafeBufferPointer<UInt8>) -> TokenizationStep {
    var merges: [AppliedMerge] = []
    let ids = model.encode(piece) { left, right, merge in
      merges.append(AppliedMerge(
        left: self.string(for: Int(left)) ?? "", right: self.string(for: Int(right)) ?? "",
        result: self.string(for: Int(merge.result)) ?? "", resultID: Int(merge.result),
        rank: Int(merge.rank)))
    }
    let bytes = Array(piece)
    return TokenizationStep(
      piece: String(decoding: bytes, as: UTF8.self), bytes: bytes, mapped: ByteLevel.encode(bytes),
      isAddedToken: false, merges: merges, symbols: ids.map { self.string(for: Int($0)) ?? "" },
      ids: ids.map(Int.init))
  }
}
